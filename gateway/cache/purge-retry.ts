/**
 * Purges a mutation could not make (the shared store out): kept and tried again every second
 * until the store takes them, so that the answers holding what the mutation changed do not
 * outlive the outage by their whole maxAge. At most `MAX_PENDING` tags wait; past them, the
 * oldest are dropped with one error logged (those answers then live out their maxAge).
 */
import type { Logger } from '../logger/index.ts';
import type { CacheStore } from './store/types.ts';

const RETRY_MS = 1_000;
const MAX_PENDING = 10_000;

export interface PurgeRetry {
  /** Tries `tags` again later. */
  add(tags: readonly string[]): void;
  /** Stops trying (the gateway closes). */
  close(): void;
}

export function createPurgeRetry(store: CacheStore, logger: Logger): PurgeRetry {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let dropped = false;

  const retry = async () => {
    timer = undefined;
    const tags = [...pending];
    try {
      await store.purge(tags);
      for (const tag of tags) pending.delete(tag);
      logger.info('cache: the purges a mutation could not make are made', { tags: tags.length });
    } catch {
      // Still out: the next turn tries again.
    }
    if (pending.size > 0) schedule();
  };
  const schedule = () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => void retry(), RETRY_MS);
    timer.unref();
  };

  return {
    add(tags) {
      for (const tag of tags) {
        pending.delete(tag); // re-added as the newest
        pending.add(tag);
      }
      while (pending.size > MAX_PENDING) {
        const oldest = pending.values().next().value as string;
        pending.delete(oldest);
        if (!dropped)
          logger.error(
            'cache: too many purges wait for the store; the oldest are dropped (their answers live out their maxAge)',
          );
        dropped = true;
      }
      schedule();
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
