/**
 * The shared rate-limit store: each check-and-update is one Lua script run in Redis (lua-scripts.ts),
 * so replicas sharing the Redis admit exactly the limit, on Redis's clock.
 *
 * - Scripts are registered with ioredis `defineCommand`: the first call on a connection sends
 *   EVAL (which loads the script), the next ones EVALSHA; a NOSCRIPT answer (SCRIPT FLUSH, a
 *   restarted or failed-over Redis) is resent as EVAL by ioredis, once.
 * - One `check` of many keys is one pipeline, one round trip (standalone and Sentinel); with
 *   `together`, one script over all the keys, which writes only when every check admits. On a Cluster
 *   the keys live on different nodes, so each check is its own command, sent in the same tick:
 *   with `enableAutoPipelining` (set by `createRedisConnection`) that is one round trip per node
 *   touched, in parallel. Each check has one key, so no command crosses slots.
 * - Fails fast: rejects at once when the connection is not ready, and after `deadlineMs` when the
 *   answer is late; the caller then applies the limit's fail mode. When some checks of one call
 *   get an error reply (a key of another type, a Cluster node down) and the others an answer,
 *   those answers were spent: it rejects with a `PartialCheckError` that holds them, so that only
 *   the failed checks go to their fail mode (`together`, one script, answers all or none). A late script may still run
 *   in Redis (and spend): a lost answer is never resent, which would spend twice.
 * - Sentinel needs nothing here: ioredis asks the sentinels for the master and reconnects to the
 *   new one after a failover, where the first call loads the scripts again (EVAL).
 *
 * The store does not own the client: `close()` leaves it to the connection's owner.
 */
import type { Cluster, Redis } from 'ioredis';
import { invalidCheck, unspent } from './algorithms.ts';
import { LUA_SCRIPTS, TOGETHER_SCRIPT } from './lua-scripts.ts';
import {
  PartialCheckError,
  type RateLimitAlgorithm,
  type RateLimitCheck,
  type RateLimitDecision,
  type RateLimitStore,
} from './types.ts';

export interface RedisStoreOptions {
  /** Prefix of every key this store writes: `<prefix><tb|sw|fw|gcra>:<check key>`. @default 'gatehouse:rl:' */
  prefix?: string;
  /**
   * Longest wait for Redis's answer, in milliseconds, before `check` rejects. A script runs in
   * microseconds and a round trip in a data centre takes under a millisecond, so 20 ms leaves room
   * for a busy event loop and a GC pause while keeping a slow Redis from holding every request.
   * @default 20
   */
  deadlineMs?: number;
}

export const DEFAULT_PREFIX = 'gatehouse:rl:';
export const DEFAULT_DEADLINE_MS = 20;

type Reply = [allowed: number, remaining: number, resetMs: number, retryAfterMs: number];
type ScriptCall = (key: string, limit: number, windowMs: number, cost: number) => Promise<Reply>;
type Scripted = Record<string, ScriptCall>;

/** The ioredis command name of the script of all of a request's checks (all or nothing). */
const TOGETHER_COMMAND = 'gatehouseRateLimitTogether';

/** The ioredis command name of each algorithm's script. */
const COMMANDS: Record<RateLimitAlgorithm, string> = {
  'token-bucket': 'gatehouseRateLimitTokenBucket',
  'sliding-window': 'gatehouseRateLimitSlidingWindow',
  'fixed-window': 'gatehouseRateLimitFixedWindow',
  gcra: 'gatehouseRateLimitGcra',
};

/**
 * Creates a Redis store over `client` (a standalone, Sentinel or Cluster client from
 * `createRedisConnection`, or any ioredis client built with `enableOfflineQueue: false`).
 */
export function createRedisStore(client: Redis | Cluster, options: RedisStoreOptions = {}): RateLimitStore {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  if (!(deadlineMs > 0)) throw new TypeError(`deadlineMs must be positive, not ${deadlineMs}`);
  for (const algorithm of Object.keys(COMMANDS) as RateLimitAlgorithm[]) {
    client.defineCommand(COMMANDS[algorithm], { numberOfKeys: 1, lua: LUA_SCRIPTS[algorithm].lua });
  }
  // The number of keys is the script's first argument (one per check).
  client.defineCommand(TOGETHER_COMMAND, { lua: TOGETHER_SCRIPT });
  const keyOf = (check: RateLimitCheck) => `${prefix}${LUA_SCRIPTS[check.rule.algorithm].tag}:${check.key}`;

  /** Every check in one script, spent only if all admit (one node: not a Cluster). */
  async function runTogether(checks: readonly RateLimitCheck[]): Promise<Reply[]> {
    const args: (string | number)[] = [checks.length, ...checks.map(keyOf)];
    for (const check of checks)
      args.push(
        LUA_SCRIPTS[check.rule.algorithm].tag,
        check.rule.limit,
        check.rule.windowMs,
        check.cost ?? 1,
      );
    const flat = await (
      client as unknown as Record<string, (...a: (string | number)[]) => Promise<number[]>>
    )[TOGETHER_COMMAND]!(...args);
    return checks.map((_, i) => flat.slice(i * 4, i * 4 + 4) as Reply);
  }

  /**
   * Calls one check's script on `target`: the cluster client (a promise of the reply) or the
   * pipeline (which queues it and returns itself; the replies come from `exec()`).
   */
  function send(target: unknown, check: RateLimitCheck): Promise<Reply> {
    const { algorithm, limit, windowMs } = check.rule;
    return (target as Scripted)[COMMANDS[algorithm]]!(keyOf(check), limit, windowMs, check.cost ?? 1);
  }

  /** Each check on its own: its reply, or the error Redis answered for it. */
  async function run(checks: readonly RateLimitCheck[]): Promise<(Reply | Error)[]> {
    if (client.isCluster)
      return Promise.all(
        checks.map((check) => send(client, check).catch((error: unknown) => asError(error))),
      );
    const pipeline = client.pipeline();
    for (const check of checks) send(pipeline, check);
    const results = (await pipeline.exec()) ?? [];
    if (results.length !== checks.length)
      throw new Error(`rate-limit store: ${results.length} replies to ${checks.length} checks`);
    return results.map(([error, reply]) => (error ? error : (reply as Reply)));
  }

  return {
    kind: 'redis',
    async check(checks, options) {
      if (checks.length === 0) return [];
      for (const { key, rule, cost } of checks) {
        const problem = invalidCheck(rule, cost ?? 1);
        if (problem) throw new TypeError(`rate-limit check of ${JSON.stringify(key)}: ${problem}`);
      }
      if (client.status !== 'ready')
        throw new Error(`rate-limit store: Redis is not ready (${client.status})`);
      const together = options?.together === true && checks.length > 1 && !client.isCluster;
      const replies = await withDeadline<(Reply | Error)[]>(
        together ? runTogether(checks) : run(checks),
        deadlineMs,
      );
      const decisions = replies.map((reply, index): RateLimitDecision | undefined => {
        if (reply instanceof Error) return undefined;
        const [allowed, remaining, resetMs, retryAfterMs] = reply;
        return { allowed: allowed === 1, limit: checks[index]!.rule.limit, remaining, resetMs, retryAfterMs };
      });
      const failed = replies.filter((reply) => reply instanceof Error);
      if (failed.length > 0) {
        const message = `rate-limit store: Redis failed ${failed.length} of ${checks.length} checks: ${failed[0]!.message}`;
        // Nothing answered: the store is out, as when the whole call fails.
        if (failed.length === checks.length) throw new Error(message, { cause: failed[0] });
        throw new PartialCheckError(message, decisions, { cause: failed[0] });
      }
      const answered = decisions as RateLimitDecision[];
      if (!together || answered.every((d) => d.allowed)) return answered;
      return answered.map((d, i) => unspent(d, checks[i]!.cost ?? 1));
    },
    async close() {},
  };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * `work`, or a rejection once `ms` have passed; `work`'s later rejection is handled, never unhandled.
 * When the timer fires, the rejection waits for one turn of the event loop's I/O phase: after a
 * busy stretch (a long synchronous task), timers run before pending socket reads, and an answer
 * that arrived in time would otherwise be taken for a late one.
 */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const late = () => reject(new Error(`rate-limit store: no answer from Redis within ${ms} ms`));
    const timer = setTimeout(() => setImmediate(late), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(new Error(`rate-limit store: Redis failed: ${(error as Error)?.message}`, { cause: error }));
      },
    );
  });
}
