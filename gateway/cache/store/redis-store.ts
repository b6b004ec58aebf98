/**
 * The shared cache store: entries, tags and locks in Redis, so that replicas serve each other's
 * answers, a purge reaches every replica, and one replica at a time refreshes an entry.
 *
 * Keys (each command touches one key, so every call works on a Cluster as on one server):
 * - `<prefix>e:<key>`: an entry, a string with a PX time to live, laid out by redis-codec.ts
 *   (large bodies Brotli-compressed), or for a while after a purge a tombstone.
 * - `<prefix>t:<tag>`: the entries listed under a tag, a sorted set scored by each entry's
 *   expiry (Redis's clock), so that listing one prunes those already expired (a tag on every
 *   answer would otherwise grow with every key ever kept); and `~purged`, scored by the tag's
 *   last purge. The set expires with its last entry, and not before its purge is forgotten
 *   (`PURGES_REMEMBERED_MS`, 1 h, also for a purged tag with no entries). Listings last
 *   `LISTING_MARGIN` longer than their entry, which is written after them.
 * - `<prefix>l:<name>`: a lock, `SET NX PX` with a random token; released by a script that
 *   deletes it only while it holds that token.
 *
 * Purges are fenced (the port's `startedAt` contract), with the scripts of redis-scripts.ts:
 * - `set`: (a) lists the entry under each tag, unless one was purged at or after `startedAt`
 *   (then nothing is written); (b) writes it, unless the key was dropped by a purge at or after
 *   `startedAt` (its tombstone's fence, or the fence an entry written since carries on); (c)
 *   lists it again, and drops it if a tag was purged at or after `startedAt` meanwhile. A run
 *   begun `PURGES_REMEMBERED_MS` ago or more is refused, so a forgotten purge lets nothing in.
 *   An entry with no tags is only checked in (b): no purge can name it.
 * - `purge`: per tag, records `~purged` = now first, then reads the set in pages (ZSCAN, about
 *   1,000 entries each), replaces each entry read with a tombstone fenced at now (lasting
 *   `TOMBSTONE_MS` + `deadlineMs`: longer than a `set` may take between (a) and (b)), and only
 *   then takes them off the set (those not listed again meanwhile). A purge cut short (its
 *   deadline, a failure) leaves what it did not drop listed, for the next one to find.
 * An entry listed before a purge records its time stays listed until its key has been fenced
 * (by this purge, or one running with it), so its write is refused or overwritten; one listed
 * after is refused (a). So once a purge has returned, no entry of a run begun before it is served,
 * within two limits: `startedAt` is the gateway's clock and the purge time Redis's, so a skew
 * between them widens the window by the skew (NTP keeps it to milliseconds); and an eviction
 * policy that drops keys with a time to live before they expire (`volatile-*`, `allkeys-*`) can
 * drop a tag's purge time or a tombstone early ((c) still checks the former). A purge also drops
 * entries of runs begun just after it that raced it, and a `set` that replaces an entry leaves
 * it listed under tags it no longer has until its old expiry (needless misses, never stale).
 *
 * Round trips, each a batch of `BATCH` scripts at most, one batch at a time (thousands of tags
 * never hold the event loop long): a pipeline on one server or Sentinel, single commands on a
 * Cluster (which autopipelining sends together). `get`, `lock`, a release: one. `set`: (a), (b)
 * and (c), one per `BATCH` tags in (a) and (c); without tags, (b) alone. `purge`: per `BATCH`
 * tags, one to read a page of each, then one per `BATCH` entries read and one to take them off,
 * until every set has been read to its end.
 *
 * Fails fast: rejects at once when the connection is not ready, and once the deadline has passed:
 * `deadlineMs` for the whole of a `get`, `lock` or `set` (all of its round trips together, from
 * the first command: compressing is not counted, it is not Redis being slow), `purgeDeadlineMs`
 * for the whole of a purge; no batch is sent after it (a `set` late after its write drops the
 * entry). The guard (guarded-store.ts) turns that into "no cache".
 * The store does not own the client: `close()` leaves it to the connection's owner.
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { decode, encode } from './redis-codec.ts';
import { COMMANDS, defineCacheScripts, PURGED, type Scripted } from './redis-scripts.ts';
import type { CacheStore } from './types.ts';

export interface RedisCacheStoreOptions {
  /** Prefix of every key: `<prefix>e:`, `t:` and `l:`. @default 'gatehouse:cache:' */
  prefix?: string;
  /**
   * Longest wait for Redis in a `get`, `lock` or `set`, in ms, all its round trips together. A
   * cache read must cost less than the subgraph call it saves; 100 ms leaves room for a 100 KB
   * value, a `set` of three round trips and a busy event loop.
   * @default 100
   */
  deadlineMs?: number;
  /** Longest wait for Redis in a `purge`, in ms, all its round trips together. @default 5000 */
  purgeDeadlineMs?: number;
  /** Bodies longer than this many bytes (UTF-8) are compressed. @default 4096 */
  compressAbove?: number;
  /**
   * Largest body kept and read back, in bytes (the cache passes its `maxEntryBytes`): a larger
   * one replaces the entry with none, and a value that would decompress beyond it reads as a miss.
   * @default 16 MiB
   */
  maxBodyBytes?: number;
}

export const DEFAULT_CACHE_PREFIX = 'gatehouse:cache:';
export const DEFAULT_CACHE_DEADLINE_MS = 100;
export const DEFAULT_PURGE_DEADLINE_MS = 5_000; // 5 s
export const DEFAULT_COMPRESS_ABOVE = 4_096; // bytes
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024; // 16 MiB

/** How much longer an entry stays listed under its tags than it lives, in ms. */
const LISTING_MARGIN = 1_000; // 1 s: the entry is written after its listings (and listed again)
/**
 * Scripts per round trip. ioredis spends tens of µs of the event loop on each, and its garbage
 * costs GC pauses that grow with the commands in flight: with 20,000 tags on 2 busy cores,
 * batches of 64 held the loop 35 to 90 ms at a time (GC included), of 256 up to 95, of 1,000 over
 * 100; the whole took as long. An entry with the 256 tags the cache allows takes 4 per step.
 */
const BATCH = 64;
/** Entries a purge reads of a tag's set per script (ZSCAN's COUNT: a hint, not a bound). */
const PAGE = 1_000;
/** How long a tombstone outlasts the longest `set`, in ms. */
const TOMBSTONE_MS = 10_000; // 10 s

/**
 * Resolves on the next turn of the event loop: a batch's replies are read in one task and the
 * next batch is sent in another, with timers and I/O in between.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown by `Deadline.check` once the deadline has passed: no further round trip is started. */
class DeadlineError extends Error {}

interface Deadline {
  /** Throws a `DeadlineError` once the deadline has passed. */
  check(): void;
}

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
  const purgeDeadlineMs = options.purgeDeadlineMs ?? DEFAULT_PURGE_DEADLINE_MS;
  const compressAbove = options.compressAbove ?? DEFAULT_COMPRESS_ABOVE;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  for (const [name, ms] of [
    ['deadlineMs', deadlineMs],
    ['purgeDeadlineMs', purgeDeadlineMs],
  ] as const)
    if (!(ms > 0)) throw new TypeError(`${name} must be positive, not ${ms}`);
  if (!(compressAbove >= 0)) throw new TypeError(`compressAbove must be 0 or more, not ${compressAbove}`);
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new TypeError(`maxBodyBytes must be a positive integer, not ${maxBodyBytes}`);
  defineCacheScripts(client);
  const scripts = client as unknown as Scripted;
  const tombstoneMs = TOMBSTONE_MS + Math.ceil(deadlineMs);
  const entryKey = (key: string) => `${prefix}e:${key}`;
  const tagKey = (tag: string) => `${prefix}t:${tag}`;

  /** `work` within `ms`, once Redis is connected. */
  const ask = <T>(ms: number, work: (deadline: Deadline) => Promise<T>): Promise<T> => {
    if (client.status !== 'ready')
      return Promise.reject(new Error(`cache store: Redis is not ready (${client.status})`));
    return withDeadline(ms, work);
  };

  /**
   * Script `command` on each of `items` (at most `BATCH`; `keyOf` its key, `args` the rest), on the
   * next turn of the event loop and within the deadline: a pipeline on one server (one round
   * trip), single commands on a Cluster (keys span slots; autopipelined). The replies, in order;
   * rejects on the first error reply.
   */
  const batch = async <T extends string | { key: string }>(
    deadline: Deadline,
    command: string,
    items: readonly T[],
    args: (item: T) => (string | number | Buffer)[],
  ): Promise<unknown[]> => {
    await nextTurn();
    deadline.check();
    const keyOf = (item: T) => (typeof item === 'string' ? item : item.key);
    if (client.isCluster)
      return Promise.all(items.map((item) => scripts[command]!(keyOf(item), ...args(item))));
    const pipeline = client.pipeline();
    const queued = pipeline as unknown as Scripted;
    for (const item of items) queued[command]!(keyOf(item), ...args(item));
    const results = (await pipeline.exec()) ?? [];
    if (results.length !== items.length)
      throw new Error(`${results.length} replies to ${items.length} commands`);
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  };

  /** Lists `member` under each of `tagKeys`, a batch at a time: false once one refuses. */
  const list = async (tagKeys: readonly string[], listing: (string | number)[], deadline: Deadline) => {
    for (let i = 0; i < tagKeys.length; i += BATCH) {
      const replies = await batch(deadline, COMMANDS.list, tagKeys.slice(i, i + BATCH), () => listing);
      if (replies.some((reply) => reply !== 1)) return false;
    }
    return true;
  };

  /** Drops an entry: fenced at now (`fence`), or keeping only the fence it has. */
  const drop = (member: string, fence: boolean) =>
    scripts[COMMANDS.drop]!(member, fence ? 1 : 0, tombstoneMs) as Promise<number>;

  return {
    kind: 'redis',
    async get(key) {
      const value = await ask(deadlineMs, () => client.getBuffer(entryKey(key)));
      return value === null ? undefined : decode(value, maxBodyBytes);
    },
    async set(key, entry, ttlMs, tags, startedAt) {
      const member = entryKey(key);
      const ttl = Math.ceil(ttlMs);
      if (!(ttl > 0) || Buffer.byteLength(entry.body) > maxBodyBytes) {
        // As the memory store: replaced with none (a purge's fence stays).
        await ask(deadlineMs, () => drop(member, false));
        return;
      }
      const value = await encode(entry, compressAbove);
      const tagKeys = [...new Set(tags)].map(tagKey);
      const listing = [member, ttl + LISTING_MARGIN, startedAt];
      await ask(deadlineMs, async (deadline) => {
        if (!(await list(tagKeys, listing, deadline))) return; // (a) refused: nothing written
        deadline.check();
        const written = await scripts[COMMANDS.write]!(member, value, ttl, startedAt); // (b)
        if (written !== 1 || tagKeys.length === 0) return;
        let kept = false;
        try {
          kept = await list(tagKeys, listing, deadline); // (c)
        } finally {
          // Refused, failed or late: an entry not checked to the end is not kept.
          if (!kept) await drop(member, true);
        }
      });
    },
    async purge(tags) {
      const tagKeys = [...new Set(tags)].map(tagKey);
      if (tagKeys.length === 0) return 0;
      return ask(purgeDeadlineMs, async (deadline) => {
        let dropped = 0;
        let pending = tagKeys.map((key) => ({ key, cursor: '0' }));
        while (pending.length > 0) {
          const more: typeof pending = [];
          for (let i = 0; i < pending.length; i += BATCH) {
            const round = pending.slice(i, i + BATCH);
            const pages = (await batch(deadline, COMMANDS.scan, round, (tag) => [tag.cursor, PAGE])) as [
              string,
              string[],
            ][];
            // An entry under several tags of this round is dropped once; not across rounds: one
            // listed again between them may have been written again.
            const members = new Set<string>();
            const read: { key: string; pairs: string[] }[] = [];
            for (const [j, [cursor, flat]] of pages.entries()) {
              const pairs: string[] = [];
              for (let k = 0; k < flat.length; k += 2)
                if (flat[k] !== PURGED) {
                  members.add(flat[k]!);
                  pairs.push(flat[k]!, flat[k + 1]!);
                }
              if (pairs.length > 0) read.push({ key: round[j]!.key, pairs });
              if (cursor !== '0') more.push({ key: round[j]!.key, cursor });
            }
            const all = [...members];
            for (let k = 0; k < all.length; k += BATCH) {
              const held = await batch(deadline, COMMANDS.drop, all.slice(k, k + BATCH), () => [
                1,
                tombstoneMs,
              ]);
              for (const n of held) dropped += Number(n);
            }
            // Taken off only once dropped: a purge cut short leaves them for the next one.
            for (let k = 0; k < read.length; k += BATCH)
              await batch(deadline, COMMANDS.unlist, read.slice(k, k + BATCH), (tag) => tag.pairs);
          }
          pending = more;
        }
        return dropped;
      });
    },
    async lock(name, ttlMs) {
      const key = `${prefix}l:${name}`;
      const token = randomUUID();
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const taken = await ask(deadlineMs, () => client.set(key, token, 'PX', ttl, 'NX'));
      if (taken !== 'OK') return undefined;
      return {
        async release() {
          await ask(deadlineMs, () => scripts[COMMANDS.unlock]!(key, token));
        },
      };
    },
    async close() {},
  };
}

/**
 * `work`, or a rejection once `ms` have passed; `work` is told (`Deadline`) so that it starts no
 * further round trip, and its later rejection is handled, never unhandled. As in the rate-limit
 * store, the timer's rejection waits for one turn of the I/O phase: after a long synchronous task,
 * timers run before pending socket reads, and an answer that arrived in time would otherwise be
 * taken for a late one.
 */
function withDeadline<T>(ms: number, work: (deadline: Deadline) => Promise<T>): Promise<T> {
  const late = () => new DeadlineError(`cache store: no answer from Redis within ${ms} ms`);
  const until = performance.now() + ms;
  const deadline: Deadline = {
    check() {
      if (performance.now() >= until) throw late();
    },
  };
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => setImmediate(() => reject(late())), ms);
    timer.unref();
    work(deadline).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (error instanceof DeadlineError) reject(error);
        else reject(new Error(`cache store: Redis failed: ${(error as Error)?.message}`, { cause: error }));
      },
    );
  });
}
