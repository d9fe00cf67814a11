-- near.lua — wrk: GET /api/v1/groups?near=LAT,LON&limit=10 at the points of BENCH_POINTS
-- (points.tsv: "lat<TAB>lon" a line; the same file pgbench reads), a random one per request.
local pts = {}
local f = assert(io.open(os.getenv("BENCH_POINTS"), "r"))
for line in f:lines() do
  local la, lo = line:match("^(%S+)\t(%S+)")
  if la then pts[#pts + 1] = "/api/v1/groups?near=" .. la .. "," .. lo .. "&limit=10" end
end
f:close()
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init() math.randomseed(seed or 1) end
function request() return wrk.format("GET", pts[math.random(#pts)]) end
