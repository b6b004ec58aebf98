/**
 * A shared cache store with its outage mode: when it cannot answer (Redis down, or slower than
 * its deadline), the cache steps aside instead of failing requests. `get` answers undefined (a
 * miss: the subgraphs answer), `set` drops the entry, `lock` answers undefined (no refresh is
 * started) and a lock's `release` is dropped (the lock expires by itself). `purge` rejects with a
 * `GatehouseError` (`CACHE_STORE_UNAVAILABLE`): its caller must know the entries were not all
 * dropped (some may have been: a purge is several commands) and retry.
 *
 * After a failure of `get`, `set`, `lock` or a release the store is left alone for
 * `retryAfterMs` (requests do not each wait for its deadline), then tried again by one call at a
 * time; the first answer puts it back in service. A purge is always tried (it is rare, and an
 * operator's retry should not wait for the back-off), and its failure does not take the store out
 * of service: a purge of a large tag may outlast its deadline while reads answer in time, and
 * should not turn the cache off for everyone. Its answer does put a store that was out back in.
 * Each change is logged once (warn when down, info when back) and published on the
 * `gatehouse:cache:store` diagnostics channel (`{ kind, state: 'down' | 'up', error? }`), where
 * metrics pick it up.
 */
import { channel } from 'node:diagnostics_channel';
import { GatehouseError } from '../../../core/errors.ts';
import type { Logger } from '../../logger/index.ts';
import type { CacheLock, CacheStore } from './types.ts';

export const CACHE_STORE_CHANNEL = 'gatehouse:cache:store';
const storeChannel = channel(CACHE_STORE_CHANNEL);

export interface GuardCacheStoreOptions {
  logger: Pick<Logger, 'warn' | 'info'>;
  /** How long a failed store is left alone before the next try, in ms. @default 1000 */
  retryAfterMs?: number;
  /** The clock, in ms (tests pass a fake one). @default Date.now */
  now?: () => number;
}

export function guardCacheStore(store: CacheStore, options: GuardCacheStoreOptions): CacheStore {
  const { logger } = options;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  const now = options.now ?? Date.now;
  let down = false;
  let downUntil = 0;
  let probing = false;

  const markDown = (error: unknown) => {
    downUntil = now() + retryAfterMs;
    if (down) return;
    down = true;
    logger.warn(`cache: the ${store.kind} store is not answering; serving without the cache`, {
      error,
    });
    storeChannel.publish({ kind: store.kind, state: 'down', error });
  };
  const markUp = () => {
    if (!down) return;
    down = false;
    logger.info(`cache: the ${store.kind} store answers again; the cache is back in service`);
    storeChannel.publish({ kind: store.kind, state: 'up' });
  };

  /**
   * `call`'s answer, or `degraded` when the store fails or is left alone. While it is out, one
   * call at a time tries it; the others do without rather than each waiting for its deadline.
   */
  async function guarded<T>(call: () => T | Promise<T>, degraded: T): Promise<T> {
    if (down && (now() < downUntil || probing)) return degraded;
    const probe = down;
    if (probe) probing = true;
    try {
      const answer = await call();
      markUp();
      return answer;
    } catch (error) {
      markDown(error);
      return degraded;
    } finally {
      if (probe) probing = false;
    }
  }

  /** `lock` with a release that never throws: a release that fails leaves the lock to expire. */
  const safe = (lock: CacheLock): CacheLock => ({
    async release() {
      try {
        await lock.release();
      } catch (error) {
        markDown(error);
      }
    },
  });

  return {
    kind: store.kind,
    get: (key) => guarded(() => store.get(key), undefined),
    set: (key, entry, ttlMs, tags, startedAt) =>
      guarded(() => store.set(key, entry, ttlMs, tags, startedAt), undefined),
    async lock(name, ttlMs) {
      const lock = await guarded(() => store.lock(name, ttlMs), undefined);
      return lock && safe(lock);
    },
    async purge(tags) {
      try {
        const dropped = await store.purge(tags);
        markUp();
        return dropped;
      } catch (error) {
        throw new GatehouseError(
          'CACHE_STORE_UNAVAILABLE',
          `cache: the ${store.kind} store failed to purge ${tags.length} tag(s); some entries may remain; retry`,
          [],
          { cause: error },
        );
      }
    },
    close: () => store.close(),
  };
}
