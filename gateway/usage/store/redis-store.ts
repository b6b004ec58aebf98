/**
 * The shared usage store: every replica's counts in one Redis, so `gatehouse check` sees the
 * traffic of all of them. Three hashes under one hash tag (`{usage}`, one Cluster slot):
 * `defs` (operation → its name, hash and coordinates, JSON), `seen` (operation → last bucket
 * counted) and one `b:<bucket>` per bucket (operation → count). One flush is one Lua script
 * (HINCRBY per operation, the bound on operations kept, expiry), so replicas flushing together
 * never overshoot `maxOperations`. A read is one pipeline: the definitions and the window's
 * buckets.
 *
 * The store does not own the client: the connection's owner closes it.
 */
import type { Cluster, Redis } from 'ioredis';
import { BUCKETS, type OperationDefinition, type RecordedOperation, type UsageStore } from './types.ts';

const COMMAND = 'gatehouseUsageAdd';

// KEYS: defs, seen, this bucket's counts. ARGV: bucket, oldest bucket kept, maxOperations,
// expiry (ms), then per operation: its id, count, definition (JSON).
const ADD_SCRIPT = `
local bucket = tonumber(ARGV[1])
local oldest = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local dropped = 0
local pruned = false
for i = 5, #ARGV, 3 do
  local op = ARGV[i]
  local known = redis.call('HEXISTS', KEYS[1], op) == 1
  if not known and not pruned and redis.call('HLEN', KEYS[1]) >= max then
    pruned = true
    local seen = redis.call('HGETALL', KEYS[2])
    for j = 1, #seen, 2 do
      if tonumber(seen[j + 1]) < oldest then
        redis.call('HDEL', KEYS[1], seen[j])
        redis.call('HDEL', KEYS[2], seen[j])
      end
    end
  end
  if known or redis.call('HLEN', KEYS[1]) < max then
    if not known then redis.call('HSET', KEYS[1], op, ARGV[i + 2]) end
    redis.call('HSET', KEYS[2], op, bucket)
    redis.call('HINCRBY', KEYS[3], op, ARGV[i + 1])
  else
    dropped = dropped + 1
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return dropped
`;

type AddScript = (
  defs: string,
  seen: string,
  counts: string,
  ...args: (string | number)[]
) => Promise<number>;

export interface RedisUsageStoreOptions {
  /** Prefix of every key (the connection's, then `usage:`). */
  prefix: string;
  maxOperations: number;
  /** Length of one bucket, in ms: keys expire a window (`BUCKETS` buckets) after their last write. */
  bucketMs: number;
}

export function createRedisUsageStore(client: Redis | Cluster, options: RedisUsageStoreOptions): UsageStore {
  client.defineCommand(COMMAND, { numberOfKeys: 3, lua: ADD_SCRIPT });
  const add = (client as unknown as Record<string, AddScript>)[COMMAND]!.bind(client);
  const key = (name: string) => `${options.prefix}{usage}:${name}`;
  const expiry = options.bucketMs * (BUCKETS + 1);

  return {
    async add(counts, bucket) {
      if (counts.length === 0) return 0;
      const args: (string | number)[] = [bucket, bucket - BUCKETS + 1, options.maxOperations, expiry];
      for (const { operation, name, hash, coordinates, count } of counts) {
        const definition: OperationDefinition = { name, hash, coordinates };
        args.push(operation, count, JSON.stringify(definition));
      }
      return add(key('defs'), key('seen'), key(`b:${bucket}`), ...args);
    },
    async read(bucket) {
      const pipeline = client.pipeline().hgetall(key('defs'));
      for (let b = bucket - BUCKETS + 1; b <= bucket; b++) pipeline.hgetall(key(`b:${b}`));
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error !== null);
      if (failed) throw failed[0];
      const [defs, ...buckets] = replies.map(([, value]) => value as Record<string, string>);
      const totals = new Map<string, number>();
      for (const counted of buckets)
        for (const [operation, count] of Object.entries(counted))
          totals.set(operation, (totals.get(operation) ?? 0) + Number(count));
      const read: RecordedOperation[] = [];
      for (const [operation, count] of totals) {
        const text = defs?.[operation];
        if (text === undefined) continue;
        const definition = JSON.parse(text) as OperationDefinition;
        read.push({ operation, ...definition, count });
      }
      return read;
    },
  };
}
