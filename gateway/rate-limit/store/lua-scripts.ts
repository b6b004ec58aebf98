/**
 * The four algorithms of `algorithms.ts` in Lua, one script each: a check and its update of one
 * key run atomically in Redis, so that replicas sharing it admit exactly the limit. The arithmetic
 * follows algorithms.ts step for step (keep them in step when changing either). The clock is
 * Redis `TIME` (microseconds), so replicas with skewed clocks agree; states are hashes written
 * with 17 significant digits (Lua's default `tostring` keeps 14, which loses the microseconds of
 * a millisecond timestamp) and expire with `PEXPIRE` once they equal a fresh key's.
 *
 * KEYS[1]: the counter; ARGV: limit, windowMs, cost. Answer: {allowed (0/1), remaining, resetMs,
 * retryAfterMs}, whole numbers. Nothing is written on refusal. Strings rather than .lua files, so
 * that the build needs no copying step and the package cannot ship without them.
 */

// Redis 4 or later: the scripts use multi-field HSET. replicate_commands: Redis 4 replicates a
// script that reads TIME before writing only as its effects (the default from Redis 5, where the
// call is a no-op).
/** The clock and the helpers every script shares. */
const COMMON = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local EPS = 1e-6
local function up(ms)
  local v = math.ceil(ms - EPS)
  if v < 0 then return 0 end
  return v
end
local function refuse(reset, retry)
  local r = up(retry)
  if r < 1 then r = 1 end
  return {0, 0, up(reset), r}
end
local function num(x) return string.format('%.17g', x) end
`;

/** One key's script: its arguments, and a write made at once. */
const PRELUDE = `${COMMON}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local function save(ttl, ...)
  redis.call('HSET', KEYS[1], ...)
  if ttl < 1 then ttl = 1 end
  redis.call('PEXPIRE', KEYS[1], ttl)
end
`;

const TOKEN_BUCKET = `
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local msPerToken = window / limit
local tokens = limit
if s[1] and s[2] then
  tokens = math.min(limit, tonumber(s[1]) + math.max(0, now - tonumber(s[2])) / msPerToken)
end
if cost > limit then return refuse((limit - tokens) * msPerToken, window) end
if cost > tokens + EPS then return refuse((limit - tokens) * msPerToken, (cost - tokens) * msPerToken) end
local left = math.max(0, tokens - cost)
local reset = up((limit - left) * msPerToken)
save(reset, 'tokens', num(left), 'at', num(now))
return {1, math.floor(left + EPS), reset, 0}
`;

const SLIDING_WINDOW = `
local s = redis.call('HMGET', KEYS[1], 'window', 'count', 'previous')
local start = math.floor(now / window) * window
local current = 0
local previous = 0
local sw = tonumber(s[1])
if sw and sw >= start then
  start = sw
  current = tonumber(s[2])
  previous = tonumber(s[3])
elseif sw and sw == start - window then
  previous = tonumber(s[2])
end
local elapsed = math.max(0, now - start)
local estimate = previous * (1 - elapsed / window) + current
local reset = 0
if current > 0 then reset = start + 2 * window - now elseif previous > 0 then reset = start + window - now end
if cost > limit then return refuse(reset, window) end
if estimate + cost > limit + EPS then
  local retryAt
  if current + cost <= limit then
    retryAt = start + window * (1 - (limit - current - cost) / previous)
  else
    retryAt = start + window + window * (1 - (limit - cost) / current)
  end
  return refuse(reset, retryAt - now)
end
local ttl = math.max(1, up(start + 2 * window - now))
save(ttl, 'window', num(start), 'count', num(current + cost), 'previous', num(previous))
return {1, math.max(0, math.floor(limit - estimate - cost + EPS)), ttl, 0}
`;

const FIXED_WINDOW = `
local s = redis.call('HMGET', KEYS[1], 'window', 'count')
local start = math.floor(now / window) * window
local count = 0
local sw = tonumber(s[1])
if sw and sw >= start then
  start = sw
  count = tonumber(s[2])
end
local reset = math.max(1, up(start + window - now))
if cost > limit then
  if count > 0 then return refuse(reset, window) end
  return refuse(0, window)
end
if count + cost > limit then return refuse(reset, reset) end
save(reset, 'window', num(start), 'count', num(count + cost))
return {1, limit - count - cost, reset, 0}
`;

const GCRA = `
local s = redis.call('HGET', KEYS[1], 'tat')
local interval = window / limit
local tat = now
if s then tat = math.max(tonumber(s), now) end
local nextTat = tat + cost * interval
if cost > limit then return refuse(tat - now, window) end
if nextTat - now > window + EPS then return refuse(tat - now, nextTat - window - now) end
local reset = math.max(1, up(nextTat - now))
save(reset, 'tat', num(nextTat))
return {1, math.max(0, math.floor((window - (nextTat - now)) / interval + EPS)), reset, 0}
`;

/**
 * Every check of one request in one script, all or nothing (`check(checks, { together: true })`):
 * each key's algorithm runs as above, its write held back; the writes are made only when every
 * check admitted. KEYS: the counters; ARGV: per key, its algorithm's tag, limit, windowMs, cost.
 * Answer: the four numbers of each key, in order. All keys must live on one node (not for a
 * Cluster, whose keys are spread over slots).
 */
const TOGETHER_PRELUDE = `${COMMON}
local pending = {}
local current
local function save(ttl, ...)
  pending[#pending + 1] = {current, ttl, {...}}
end
`;

/** An algorithm's body as a function of its key and arguments, for the script of all checks. */
const asFunction = (name: string, body: string) =>
  `local function ${name}(KEY, limit, window, cost)\n${body.replaceAll('KEYS[1]', 'KEY')}\nend\n`;

const TOGETHER_MAIN = `
local run = { tb = tb, sw = sw, fw = fw, gcra = gcra }
local out = {}
local all = true
for i = 1, #KEYS do
  local base = (i - 1) * 4
  current = KEYS[i]
  local r = run[ARGV[base + 1]](KEYS[i], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4]))
  if r[1] == 0 then all = false end
  for j = 1, 4 do out[#out + 1] = r[j] end
end
if all then
  for _, p in ipairs(pending) do
    redis.call('HSET', p[1], unpack(p[3]))
    local ttl = p[2]
    if ttl < 1 then ttl = 1 end
    redis.call('PEXPIRE', p[1], ttl)
  end
end
return out
`;

export const TOGETHER_SCRIPT =
  TOGETHER_PRELUDE +
  asFunction('tb', TOKEN_BUCKET) +
  asFunction('sw', SLIDING_WINDOW) +
  asFunction('fw', FIXED_WINDOW) +
  asFunction('gcra', GCRA) +
  TOGETHER_MAIN;

/** Each algorithm's script, with the short tag its keys carry (`<prefix><tag>:<key>`). */
export const LUA_SCRIPTS = {
  'token-bucket': { tag: 'tb', lua: PRELUDE + TOKEN_BUCKET },
  'sliding-window': { tag: 'sw', lua: PRELUDE + SLIDING_WINDOW },
  'fixed-window': { tag: 'fw', lua: PRELUDE + FIXED_WINDOW },
  gcra: { tag: 'gcra', lua: PRELUDE + GCRA },
} as const;
