-- library.lua — wrk: GET /api/v1/library?q=WORD&type=TYPE&lang=LANG (full text + facet filter;
-- the answer carries every facet's counts) for the queries of BENCH_QUERIES (queries.tsv:
-- "word<TAB>type<TAB>lang"; the same file pgbench and the sqlite3 shell read).
local function enc(s) return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
local qs = {}
local f = assert(io.open(os.getenv("BENCH_QUERIES"), "r"))
for line in f:lines() do
  local w, t, l = line:match("^(%S+)\t(%S+)\t(%S+)")
  if w then qs[#qs + 1] = "/api/v1/library?q=" .. enc(w) .. "&type=" .. t .. "&lang=" .. l end
end
f:close()
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init() math.randomseed(seed or 1) end
function request() return wrk.format("GET", qs[math.random(#qs)]) end
