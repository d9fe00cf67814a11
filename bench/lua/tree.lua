-- tree.lua — wrk: POST /api/v1/trees/epidemic-self-check/evaluate (the sample tree, English),
-- cycling through answer sets. TREE_DONE=1: every set ends in a result (each walk is counted:
-- one write); otherwise each stops at a question (read only).
local questions = {
  '{"answers":{}}',
  '{"answers":{"danger":["none"]}}',
  '{"answers":{"danger":["none"],"who":"self"}}',
  '{"answers":{"danger":["none"],"who":"self","symptoms":["fever","cough"]}}',
  '{"answers":{"danger":["none"],"who":"other","symptoms":["fever"],"age":70}}',
}
-- Dates a few days back, so the answers stay within the tree's "today-365" bound.
local function ago(days) return os.date("!%Y-%m-%d", os.time() - days * 86400) end
local results = {
  '{"answers":{"danger":["breathing"]}}',
  '{"answers":{"danger":["none"],"who":"self","symptoms":["none"],"need":"info"}}',
  '{"answers":{"danger":["none"],"who":"self","symptoms":["fever"],"age":30,"conditions":"no","onset":"' .. ago(10) .. '"}}',
  '{"answers":{"danger":["none"],"who":"other","symptoms":["cough"],"age":80,"conditions":"yes","onset":"' .. ago(2) .. '"}}',
}
local bodies = os.getenv("TREE_DONE") == "1" and results or questions
local n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/trees/epidemic-self-check/evaluate?lang=en",
    {["Content-Type"] = "application/json"}, bodies[n % #bodies + 1])
end
