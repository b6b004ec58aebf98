/**
 * Stale-while-revalidate: an answer past its maxAge, within `cache.staleWhileRevalidate`, is sent
 * at once and run again in the background, one run per key at a time: in this process (a claim
 * per key) and across replicas (the store's lock: a short Redis lock with the Redis store).
 *
 * The run is the engine's: the response cache sits before the engine, so it cannot call it. It
 * hands the job over on the operation's context to the room after the engine (`room` here), whose
 * `onExecute` sees the engine's execute function: it answers with the stale entry and starts the
 * run, with the client's context (its identity, the headers forwarded to subgraphs), once the
 * answer is on its way. A run that fails leaves the stale entry; the next request tries again.
 */
import { isAsyncIterable } from '@graphql-tools/utils';
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import type { CacheLock, CacheStore } from './store/types.ts';

/** How long one refresh may hold its key (a run longer than this may be doubled). */
export const REFRESH_LOCK_MS = 30_000;
/** How long a key another replica refreshes is not asked for again from here. */
const HELD_ELSEWHERE_MS = 1_000;
/** Claims kept before lapsed ones are swept. */
const MAX_CLAIMS = 10_000;

/** A refresh to start once the engine is known. */
export interface RefreshJob {
  /** What the client gets now: the stale answer. */
  answer: ExecutionResult;
  /** Keeps the fresh answer (when it is one to keep). */
  keep(result: ExecutionResult): void;
}

export interface Refresher {
  /**
   * Claims the refresh of `key`: a release function when this request runs it, undefined when a
   * refresh of it is in flight (here or, with a shared store, on another replica).
   */
  claim(key: string): Promise<(() => void) | undefined> | (() => void) | undefined;
  /** Hands `job` (claimed, with its release) to the room after the engine. */
  schedule(context: object, job: RefreshJob, release: () => void): void;
  /** The room placed right after the engine. */
  room: Room;
}

type Execute = (args: ExecutionArgs) => unknown;

export function createRefresher(store: CacheStore, logger: Logger, now: () => number = Date.now): Refresher {
  // Keys being refreshed here, with when their claim lapses (a run that never ended).
  const claimed = new Map<string, number>();
  const jobs = new WeakMap<object, { job: RefreshJob; release: () => void }>();

  /** Claims `key` here: the claim's deadline (its token), or undefined when it is claimed. */
  const claimHere = (key: string): number | undefined => {
    const at = now();
    const until = claimed.get(key);
    if (until !== undefined && until > at) return undefined;
    // Lapsed claims (keys refreshed elsewhere, runs that never ended) are swept once they are many.
    if (claimed.size >= MAX_CLAIMS)
      for (const [held, lapse] of claimed) if (lapse <= at) claimed.delete(held);
    const mine = at + REFRESH_LOCK_MS;
    claimed.set(key, mine);
    return mine;
  };
  /** Gives the claim back, unless it lapsed and another request claimed the key since. */
  const unclaim = (key: string, mine: number) => {
    if (claimed.get(key) === mine) claimed.delete(key);
  };

  const withLock = (key: string, mine: number, lock: CacheLock | undefined): (() => void) | undefined => {
    if (lock === undefined) {
      // Refreshed elsewhere (or the store is out): not asked again from here for a moment.
      if (claimed.get(key) === mine) claimed.set(key, now() + HELD_ELSEWHERE_MS);
      return undefined;
    }
    return () => {
      unclaim(key, mine);
      const released = lock.release();
      if (released instanceof Promise)
        released.catch((error: unknown) =>
          logger.warn('cache: a refresh lock could not be released', { error }),
        );
    };
  };

  const run = async (execute: Execute, args: ExecutionArgs, job: RefreshJob, release: () => void) => {
    try {
      const result = await execute(args);
      if (isAsyncIterable(result)) await result[Symbol.asyncIterator]().return?.();
      else job.keep(result as ExecutionResult);
    } catch (error) {
      logger.warn('cache: a stale answer could not be refreshed', { error });
    } finally {
      release();
    }
  };

  return {
    claim(key) {
      const mine = claimHere(key);
      if (mine === undefined) return undefined;
      let lock: ReturnType<CacheStore['lock']>;
      try {
        lock = store.lock(`refresh:${key}`, REFRESH_LOCK_MS);
      } catch (error) {
        unclaim(key, mine);
        throw error;
      }
      if (lock instanceof Promise)
        return lock.then(
          (taken) => withLock(key, mine, taken),
          () => withLock(key, mine, undefined),
        );
      return withLock(key, mine, lock);
    },
    schedule(context, job, release) {
      jobs.set(context, { job, release });
    },
    room: {
      name: 'response-cache-refresh',
      plugin: {
        onExecute({ args, executeFn, setResultAndStopExecution }) {
          const context = args.contextValue as object;
          const scheduled = jobs.get(context);
          if (scheduled === undefined) return;
          jobs.delete(context);
          setResultAndStopExecution(scheduled.job.answer);
          // After this turn: the stale answer goes out first.
          setImmediate(() => void run(executeFn as Execute, args, scheduled.job, scheduled.release));
        },
      },
    },
  };
}
