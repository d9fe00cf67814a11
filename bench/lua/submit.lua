-- submit.lua — wrk: POST /api/v1/requests (JSON), a different person and place each time.
local n = 0
local kinds = {"groceries", "medicine", "errand", "other"}
function setup(thread) thread:set("tid", math.random(1, 99999)) end
function init() n = (tid or 1) * 1000000 end
function request()
  n = n + 1
  local lat = 35.6 + (n % 997) / 5000
  local lon = 51.3 + (n % 991) / 5000
  local body = string.format(
    '{"name":"Bench person %d","phone":"+98912%07d","address":"Street %d","lat":%.5f,"lon":%.5f,' ..
    '"kind":"%s","details":"needs help %d","consent":true,"language":"en"}',
    n, n % 10000000, n % 500, lat, lon, kinds[n % 4 + 1], n)
  return wrk.format("POST", "/api/v1/requests", {["Content-Type"] = "application/json"}, body)
end
