-- wrk script: requests spread over many callers. TOKENS names a file of "token code" lines;
-- each request takes the next line, puts its code in PATH (and BODY) for "{code}", and
-- sends METHOD (default GET) with its token. bench/province.sh and bench/flows.sh set them.
local lines = {}
for line in io.lines(os.getenv("TOKENS")) do
    local token, code = line:match("^(%S+)%s*(%S*)")
    lines[#lines + 1] = { token = token, code = code }
end
local path, body = os.getenv("PATH_TEMPLATE"), os.getenv("BODY")
local method = os.getenv("METHOD") or "GET"
local i = 0

request = function()
    i = i % #lines + 1
    local l = lines[i]
    local headers = { ["Authorization"] = "Bearer " .. l.token }
    local b = nil
    if body then
        headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"
        b = body:gsub("{code}", l.code):gsub("{n}", tostring(i))
    end
    return wrk.format(method, path:gsub("{code}", l.code), headers, b)
end
