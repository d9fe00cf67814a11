-- faq.lua — wrk: GET /api/v1/faq/answers?q=QUESTION&lang=LANG, the FAQ assistant's three best
-- answers, for questions people type (Persian, some with Arabic ي/ك and no ZWNJ, and English;
-- several words in the synonym list), picked at random per request.
local function enc(s) return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
local questions = {
  {"چطور درخواست کمک بدهم؟", "fa"}, {"چه کسی شماره و نشانی مرا می‌بیند؟", "fa"},
  {"چه كسي شماره مرا ميبيند", "fa"}, {"اگر کرونا دارم می‌توانم کمک بخواهم؟", "fa"},
  {"چطور داوطلب شوم", "fa"}, {"دارو و خرید برای مادرم", "fa"}, {"اطلاعاتم کی پاک می‌شود", "fa"},
  {"How do I ask for help?", "en"}, {"Who can see my phone number?", "en"},
  {"Can someone bring my medication?", "en"}, {"How do I become a volunteer?", "en"},
  {"I have coronavirus, can I get groceries?", "en"}, {"How long is my data kept?", "en"},
}
local paths = {}
for i, q in ipairs(questions) do paths[i] = "/api/v1/faq/answers?q=" .. enc(q[1]) .. "&lang=" .. q[2] end
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init() math.randomseed(seed or 1) end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
