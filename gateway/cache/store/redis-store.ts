/**
 * The shared cache store: entries, tags and locks in Redis, so that replicas serve each other's
 * answers, a purge reaches every replica, and one replica at a time refreshes an entry.
 *
 * Keys (each command touches one key, so every call works on a Cluster as on one server):
 * - `<prefix>e:<key>`: an entry, a string with a PX time to live. Its value is a Buffer: a header
 *   (format byte, storedAt and maxAge as float64 BE, the etag's length as uint16 BE, the etag) and
 *   the body. Bodies above `compressAbove` bytes are compressed with Brotli at quality 5 (the
 *   format byte says so; a body that does not shrink is kept as is). On JSON answers Brotli 5
 *   compresses as fast as deflate at level 6 and decompresses faster, to about half of deflate's
 *   output (measured on a 140 KB answer: 4.6% against 8.1% of the body, about 1 ms each way):
 *   fewer bytes sent, held in Redis and read back. Higher qualities cost several times the CPU
 *   for a few percent. Both ways run on libuv's thread pool (the async zlib API), off the event
 *   loop. A value of an unknown format (written by another version) or that does not decompress
 *   reads as a miss, never as an outage.
 * - `<prefix>t:<tag>`: the entries listed under a tag, a sorted set scored by each entry's
 *   expiry (Redis's clock), so that a script adding one prunes those already expired: a tag on
 *   every answer (`type:Product`) would otherwise grow with every key ever kept, and its time to
 *   live, raised by each add, would never let it go. The set expires with its last entry. `set`
 *   lists the entry under its tags first, then writes it (a second round trip): an entry in Redis
 *   is always listed, while a listing without its entry (the write failed) is harmless. Listings
 *   last `LISTING_MARGIN` longer than their entry, which is written after them. `set` replaces
 *   an entry but leaves it listed under tags it no longer has until its old expiry: a purge of
 *   such a tag drops the new entry too (a needless miss, never a stale answer).
 * - `<prefix>l:<name>`: a lock, `SET NX PX` with a random token; released by a script that
 *   deletes it only while it holds that token (a lock that expired and was taken by another
 *   holder is left alone).
 *
 * `purge` reads each tag's entries, unlinks them (counting those that existed) and takes them off
 * the tag (ZREM of what it read, not UNLINK of the tag: an entry listed meanwhile stays listed).
 * An answer computed before a purge and stored after it (or a `set` that races it) is kept: the
 * store cannot tell it from a fresh one.
 *
 * Fails fast: rejects at once when the connection is not ready, and when Redis has not answered
 * within `deadlineMs` (each round trip: `purge` and a `set` with tags make two); the guard
 * (guarded-store.ts) turns that into "no cache". Compression is not counted in the deadline: it
 * is not Redis being slow.
 * The store does not own the client: `close()` leaves it to the connection's owner.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import type { Cluster, Redis } from 'ioredis';
import type { CacheEntry, CacheStore } from './types.ts';

export interface RedisCacheStoreOptions {
  /** Prefix of every key: `<prefix>e:`, `t:` and `l:`. @default 'gatehouse:cache:' */
  prefix?: string;
  /**
   * Longest wait for one answer of Redis, in ms. A cache read must cost less than the subgraph
   * call it saves; 50 ms leaves room for a 100 KB value and a busy event loop.
   * @default 50
   */
  deadlineMs?: number;
  /** Bodies longer than this many bytes (UTF-8) are compressed. @default 4096 */
  compressAbove?: number;
}

export const DEFAULT_CACHE_PREFIX = 'gatehouse:cache:';
export const DEFAULT_CACHE_DEADLINE_MS = 50;
export const DEFAULT_COMPRESS_ABOVE = 4_096; // bytes

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/** The format byte: the layout of the value and how its body is kept. */
const PLAIN = 1;
const BROTLI = 2;
/** Format byte, storedAt (float64), maxAge (float64), etag length (uint16). */
const HEADER = 1 + 8 + 8 + 2;
/** How much longer an entry stays listed under its tags than it lives, in ms. */
const LISTING_MARGIN = 1_000; // 1 s: the entry is written a round trip after its listings
/** Keys per UNLINK on one server (a Cluster gets one command per key). */
const UNLINK_BATCH = 500;

/**
 * KEYS[1]: a tag's sorted set; ARGV: an entry key, its time to live in ms. Prunes the entries
 * already expired, lists this one with its expiry, and lets the set expire with its last entry.
 * replicate_commands: Redis 4 replicates a script that reads TIME before writing only as its
 * effects (the default from Redis 5, where the call is a no-op).
 */
const TAG_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1
`;

/** KEYS[1]: a lock; ARGV[1]: its holder's token. Deletes it only while that holder has it. */
const UNLOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const TAG_COMMAND = 'gatehouseCacheTag';
const UNLOCK_COMMAND = 'gatehouseCacheUnlock';

type Scripted = Record<string, (key: string, ...args: (string | number)[]) => Promise<number>>;

/**
 * Creates a Redis cache store over `client` (from `createRedisConnection`, or any ioredis client
 * built with `enableOfflineQueue: false`).
 */
export function createRedisCacheStore(
  client: Redis | Cluster,
  options: RedisCacheStoreOptions = {},
): CacheStore {
  const prefix = options.prefix ?? DEFAULT_CACHE_PREFIX;
  const deadlineMs = options.deadlineMs ?? DEFAULT_CACHE_DEADLINE_MS;
  const compressAbove = options.compressAbove ?? DEFAULT_COMPRESS_ABOVE;
  if (!(deadlineMs > 0)) throw new TypeError(`deadlineMs must be positive, not ${deadlineMs}`);
  if (!(compressAbove >= 0)) throw new TypeError(`compressAbove must be 0 or more, not ${compressAbove}`);
  client.defineCommand(TAG_COMMAND, { numberOfKeys: 1, lua: TAG_SCRIPT });
  client.defineCommand(UNLOCK_COMMAND, { numberOfKeys: 1, lua: UNLOCK_SCRIPT });
  const scripts = client as unknown as Scripted;
  const entryKey = (key: string) => `${prefix}e:${key}`;
  const tagKey = (tag: string) => `${prefix}t:${tag}`;

  /** `work` within the deadline, once Redis is connected. */
  const ask = <T>(work: () => Promise<T>): Promise<T> => {
    if (client.status !== 'ready')
      return Promise.reject(new Error(`cache store: Redis is not ready (${client.status})`));
    return withDeadline(work(), deadlineMs);
  };

  /** Unlinks `keys`: how many existed. One command per key on a Cluster (keys span slots). */
  const unlink = async (keys: readonly string[]): Promise<number> => {
    const counts: Promise<number>[] = [];
    if (client.isCluster) for (const key of keys) counts.push(client.unlink(key));
    else
      for (let i = 0; i < keys.length; i += UNLINK_BATCH)
        counts.push(client.unlink(...keys.slice(i, i + UNLINK_BATCH)));
    return (await Promise.all(counts)).reduce((sum, n) => sum + n, 0);
  };

  return {
    kind: 'redis',
    async get(key) {
      const value = await ask(() => client.getBuffer(entryKey(key)));
      return value === null ? undefined : decode(value);
    },
    async set(key, entry, ttlMs, tags) {
      const ttl = Math.ceil(ttlMs);
      if (!(ttl > 0)) {
        // As the memory store: a time to live of nothing replaces the entry with none.
        await ask(() => client.unlink(entryKey(key)));
        return;
      }
      const value = await encode(entry, compressAbove);
      const member = entryKey(key);
      const listed = [...new Set(tags)];
      if (listed.length > 0)
        await ask(() =>
          Promise.all(listed.map((tag) => scripts[TAG_COMMAND]!(tagKey(tag), member, ttl + LISTING_MARGIN))),
        );
      await ask(() => client.set(member, value, 'PX', ttl));
    },
    async purge(tags) {
      const keys = [...new Set(tags)].map(tagKey);
      const listed = await ask(() => Promise.all(keys.map((key) => client.zrange(key, 0, -1))));
      const members = [...new Set(listed.flat())];
      if (members.length === 0) return 0;
      const [dropped] = await ask(() =>
        Promise.all([
          unlink(members),
          ...keys.map((key, i) => (listed[i]!.length > 0 ? client.zrem(key, ...listed[i]!) : 0)),
        ]),
      );
      return dropped;
    },
    async lock(name, ttlMs) {
      const key = `${prefix}l:${name}`;
      const token = randomUUID();
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const taken = await ask(() => client.set(key, token, 'PX', ttl, 'NX'));
      if (taken !== 'OK') return undefined;
      return {
        async release() {
          await ask(() => scripts[UNLOCK_COMMAND]!(key, token));
        },
      };
    },
    async close() {},
  };
}

/** The value kept for `entry`: the header, then the body, compressed when large and it shrinks. */
async function encode(entry: CacheEntry, compressAbove: number): Promise<Buffer> {
  const etag = Buffer.from(entry.etag);
  if (etag.length > 0xffff) throw new TypeError(`cache store: an etag of ${etag.length} bytes`);
  let body = Buffer.from(entry.body);
  let format = PLAIN;
  if (body.length > compressAbove) {
    const packed = await compress(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    if (packed.length < body.length) {
      body = packed;
      format = BROTLI;
    }
  }
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt8(format, 0);
  header.writeDoubleBE(entry.storedAt, 1);
  header.writeDoubleBE(entry.maxAge, 9);
  header.writeUInt16BE(etag.length, 17);
  return Buffer.concat([header, etag, body]);
}

/** The entry in `value`; undefined for a format this version does not know, or a damaged body. */
async function decode(value: Buffer): Promise<CacheEntry | undefined> {
  if (value.length < HEADER) return undefined;
  const format = value.readUInt8(0);
  if (format !== PLAIN && format !== BROTLI) return undefined;
  const etagEnd = HEADER + value.readUInt16BE(17);
  if (etagEnd > value.length) return undefined;
  let body = value.subarray(etagEnd);
  if (format === BROTLI) {
    try {
      body = await decompress(body);
    } catch {
      return undefined;
    }
  }
  return {
    body: body.toString(),
    storedAt: value.readDoubleBE(1),
    maxAge: value.readDoubleBE(9),
    etag: value.toString('utf8', HEADER, etagEnd),
  };
}

/**
 * `work`, or a rejection once `ms` have passed; `work`'s later rejection is handled, never
 * unhandled. As in the rate-limit store, the rejection waits for one turn of the I/O phase: after
 * a long synchronous task, timers run before pending socket reads, and an answer that arrived in
 * time would otherwise be taken for a late one.
 */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const late = () => reject(new Error(`cache store: no answer from Redis within ${ms} ms`));
    const timer = setTimeout(() => setImmediate(late), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(new Error(`cache store: Redis failed: ${(error as Error)?.message}`, { cause: error }));
      },
    );
  });
}
