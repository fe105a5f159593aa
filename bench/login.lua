-- wrk script: password login through the API (Argon2id verification, throttle record,
-- session row, audit record), rotating over the demo users as an office would.
local users = {"suixi.admin", "suixi.staffing", "suixi.market", "suixi.leader", "linhuan.officer",
  "linhuan.dispatcher", "linhuan.inspector", "linhuan.village", "shuangduiji.officer",
  "xinluo.admin", "xinluo.resources", "xinluo.monitor"}
local n = 0
request = function()
  n = n + 1
  local body = '{"username":"' .. users[(n % #users) + 1] .. '","password":"grassroots-demo"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
