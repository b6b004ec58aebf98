-- The wrk script of the benchmark harness (test/bench/load/wrk.ts runs it).
-- Environment: BENCH_BODY_FILE (POST body), BENCH_UNIQUE_AUTH=1 for a unique Authorization header
-- per request; with BENCH_TOKENS_FILE (signed JWTs, one per line) request n sends token number
-- BENCH_TOKEN_START + n (0-based, wrapping past the end) as "Bearer <token>" instead.
-- done() prints one line "BENCH_JSON {...}" with the counts and latency percentiles.
local body_file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local body = body_file:read("*a")
body_file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-static"

-- Defining request() makes every request dynamic (wrk formats each one), so only in unique mode.
if os.getenv("BENCH_UNIQUE_AUTH") == "1" then
  local counter = 0
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
  local tokens_file = os.getenv("BENCH_TOKENS_FILE")
  local tokens = nil
  local start = tonumber(os.getenv("BENCH_TOKEN_START") or "0")
  if tokens_file ~= nil and tokens_file ~= "" then
    tokens = {}
    for line in io.lines(tokens_file) do
      if #line > 0 then tokens[#tokens + 1] = "Bearer " .. line end
    end
    assert(#tokens > 0, "no token in " .. tokens_file)
  end
  function request()
    if tokens ~= nil then
      headers["Authorization"] = tokens[(start + counter) % #tokens + 1]
    else
      headers["Authorization"] = "Bearer bench-" .. (counter + 1)
    end
    counter = counter + 1
    return wrk.format(nil, nil, headers, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p99Us":%d,"meanUs":%.1f,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
