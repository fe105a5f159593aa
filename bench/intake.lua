-- wrk script: staff report events over the API (TOKEN is replaced by bench/command.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer TOKEN"
wrk.body = '{"division":"340621104200","source":"patrol","category":"other","title":"临涣村路灯不亮","address":"临涣村"}'
