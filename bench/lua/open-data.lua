-- open-data.lua — wrk: the dashboard's aggregates of the bench-100k dataset (2015-01-01 on,
-- 2,000 days, 50 areas) over random periods, so kept answers seldom help: in turn the daily
-- sums over every area, the daily sums of one area and the totals per area. Each wrk thread
-- draws its own periods.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("stream", counter)
end
local state, n = nil, 0
local base = os.time({ year = 2015, month = 1, day = 1, hour = 12 })
local function draw(k)
  state = (state * 1103515245 + 12345) % 2147483648
  return state % k
end
local function date(d) return os.date("!%Y-%m-%d", base + d * 86400) end
function request()
  if not state then state = 7919 * (stream or 1) end
  n = n + 1
  local from = draw(2000)
  local to = from + draw(2000 - from)
  local q = "from=" .. date(from) .. "&to=" .. date(to)
  local kind = n % 3
  if kind == 0 then return wrk.format("GET", "/api/v1/datasets/bench-100k/daily?" .. q) end
  if kind == 1 then return wrk.format("GET", "/api/v1/datasets/bench-100k/daily?" .. q .. "&area=A" .. draw(50)) end
  return wrk.format("GET", "/api/v1/datasets/bench-100k/areas?" .. q)
end
