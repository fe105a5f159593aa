-- wrk script: password login through the API (argon2id verification, session row, audit record).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"suixi.leader","password":"grassroots-demo"}'
