/**
 * The Redis cache store's Lua scripts. Each touches one key (a tag's sorted set, an entry or a
 * lock), so every call works on a Cluster as on one server; each is atomic, so what it reads
 * cannot change before it writes.
 *
 * A tag's set holds the entries listed under it, scored by their expiry, and the member `~purged`
 * scored by the tag's last purge (ms, Redis's clock): `list` refuses an entry from a run begun at
 * or before it. An entry's value carries a fence (redis-codec.ts): the last purge that dropped the
 * key; `write` refuses a value from a run begun at or before it, and keeps it in what it writes.
 * Scripts that read `TIME` call `replicate_commands` first: Redis 4 replicates a script that reads
 * TIME before writing only as its effects (the default from Redis 5, where the call is a no-op).
 */
import type { Cluster, Redis } from 'ioredis';
import { FORMAT } from './redis-codec.ts';

/** The member of a tag's set scored by its last purge (entry keys always hold a `:`). */
export const PURGED = '~purged';
/**
 * How long a purge is remembered, in ms: a tag's set lives at least this long after it, and an
 * entry from a run begun this long ago or more is refused outright, so a forgotten purge never
 * lets an older run's entry in. Runs take seconds; a purged tag's set costs about 200 bytes.
 */
export const PURGES_REMEMBERED_MS = 3_600_000; // 1 h

export const COMMANDS = {
  list: 'gatehouseCacheList',
  scan: 'gatehouseCacheScan',
  unlist: 'gatehouseCacheUnlist',
  write: 'gatehouseCacheWrite',
  drop: 'gatehouseCacheDrop',
  unlock: 'gatehouseCacheUnlock',
} as const;

/** A client or a pipeline, with the scripts as commands (a pipeline queues and returns itself). */
export type Scripted = Record<
  string,
  (key: string, ...args: (string | number | Buffer)[]) => Promise<unknown>
>;

const NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** `fenceOf(head)`: the fence in the first bytes of a value of ours; 0 for anything else. */
const FENCE_OF = `
local function fenceOf(head)
  if #head < 9 then return 0 end
  local format = string.byte(head, 1)
  if format < ${FORMAT.plain} or format > ${FORMAT.tombstone} then return 0 end
  return (struct.unpack('>d', head, 2))
end
`;

/**
 * KEYS[1]: a tag's set; ARGV: an entry key, its listing's time to live in ms, the start of the
 * run that made it (ms). Refuses (0) a run begun at or before the tag's last purge, or
 * `PURGES_REMEMBERED_MS` ago or more; else prunes the expired entries (keeping the purge), lists
 * this one with its expiry, and lets the set expire with its last entry, or once its purge is
 * forgotten, whichever is later (1).
 */
const LIST = `${NOW}
local started = tonumber(ARGV[3])
if now - started >= ${PURGES_REMEMBERED_MS} then return 0 end
local purged = tonumber(redis.call('ZSCORE', KEYS[1], '${PURGED}'))
if purged and purged >= started then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if purged then redis.call('ZADD', KEYS[1], purged, '${PURGED}') end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local at = tonumber(last[2])
if purged then at = math.max(at, purged + ${PURGES_REMEMBERED_MS}) end
redis.call('PEXPIREAT', KEYS[1], at)
return 1
`;

/**
 * KEYS[1]: a tag's set; ARGV: a ZSCAN cursor, a page size. On the first page (cursor 0), records
 * the purge first (`~purged` = now, and the set lives at least `PURGES_REMEMBERED_MS` more). Answers
 * ZSCAN's page (the next cursor; members and scores), `~purged` among them.
 */
const SCAN = `${NOW}
if ARGV[1] == '0' then
  local purged = tonumber(redis.call('ZSCORE', KEYS[1], '${PURGED}'))
  if not purged or purged < now then redis.call('ZADD', KEYS[1], now, '${PURGED}') end
  local at = now + ${PURGES_REMEMBERED_MS}
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then at = math.max(at, now + ttl) end
  redis.call('PEXPIREAT', KEYS[1], at)
end
return redis.call('ZSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
`;

/**
 * KEYS[1]: a tag's set; ARGV: members and the scores they had when read. Takes each off the set
 * unless it was listed again since (its score changed): such an entry may have been written again.
 */
const UNLIST = `
for i = 1, #ARGV, 2 do
  if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i])) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return 1
`;

/**
 * KEYS[1]: an entry; ARGV: its value, its time to live in ms, the start of the run that made it
 * (ms). Refuses (0) a run begun at or before the fence the key holds; else writes the value,
 * keeping that fence in it (1).
 */
const WRITE = `${FENCE_OF}
local fence = fenceOf(redis.call('GETRANGE', KEYS[1], 0, 8))
if fence > 0 and fence >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if fence > 0 then redis.call('SETRANGE', KEYS[1], 1, struct.pack('>d', fence)) end
return 1
`;

/**
 * KEYS[1]: an entry; ARGV: 1 to fence it at now (a purge), 0 to keep only the fence it has; how
 * long a tombstone lasts, in ms. Replaces the value with a tombstone holding the fence, or
 * unlinks it when there is none; answers 1 when it held an entry (of any version).
 */
const DROP = `${NOW}${FENCE_OF}
local head = redis.call('GETRANGE', KEYS[1], 0, 8)
local held = 0
if #head > 0 and string.byte(head, 1) ~= ${FORMAT.tombstone} then held = 1 end
local fence = fenceOf(head)
if ARGV[1] == '1' then fence = math.max(fence, now) end
if fence > 0 then
  redis.call('SET', KEYS[1], string.char(${FORMAT.tombstone}) .. struct.pack('>d', fence), 'PX', ARGV[2])
else
  redis.call('UNLINK', KEYS[1])
end
return held
`;

/** KEYS[1]: a lock; ARGV[1]: its holder's token. Deletes it only while that holder has it. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Defines the scripts as commands of `client` (and of its pipelines). */
export function defineCacheScripts(client: Redis | Cluster): void {
  client.defineCommand(COMMANDS.list, { numberOfKeys: 1, lua: LIST });
  client.defineCommand(COMMANDS.scan, { numberOfKeys: 1, lua: SCAN });
  client.defineCommand(COMMANDS.unlist, { numberOfKeys: 1, lua: UNLIST });
  client.defineCommand(COMMANDS.write, { numberOfKeys: 1, lua: WRITE });
  client.defineCommand(COMMANDS.drop, { numberOfKeys: 1, lua: DROP });
  client.defineCommand(COMMANDS.unlock, { numberOfKeys: 1, lua: UNLOCK });
}
