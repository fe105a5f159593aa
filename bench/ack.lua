-- wrk script: monitors acknowledge a warning by the link of their text message, each
-- request another notice's token (bench/warning.sh writes them to bench/out/tokens.txt).
local tokens = {}
for line in io.lines("bench/out/tokens.txt") do
    tokens[#tokens + 1] = line
end
local counter = 0
function setup(thread)
    thread:set("offset", counter)
    counter = counter + 1
end
local i = 0
request = function()
    i = i + 1
    local t = tokens[((i * 2 + offset) % #tokens) + 1]
    return wrk.format("POST", "/api/v1/public/acknowledgements", { ["Content-Type"] = "application/json" },
        '{"token":"' .. t .. '"}')
end
