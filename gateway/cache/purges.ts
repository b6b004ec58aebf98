/**
 * The purges of the cache: those a mutation's answer calls for (made once it has run, before its
 * answer is sent; retried while the store is out, and said in a `CACHE_PURGE_FAILED` warning),
 * and those the admin endpoint asks for (by selector, checked against the schema in service).
 */
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import type { Logger } from '../logger/index.ts';
import { type PurgeSelector, selectorTags } from './invalidation.ts';
import type { Operations } from './operations.ts';
import { createPurgeRetry } from './purge-retry.ts';
import { withWarning } from './served.ts';
import type { CacheStore } from './store/types.ts';
import { changedTags, purgeTags } from './tags.ts';

export interface Purges {
  /**
   * Purges what the mutation answered `result` changed; answers the result to send (with a
   * warning when the purge could not be made now).
   */
  afterMutation(args: ExecutionArgs, result: ExecutionResult): Promise<ExecutionResult>;
  /** As `Cache.purge`. */
  purge(selector: PurgeSelector): Promise<number>;
  close(): void;
}

export function createPurges(store: CacheStore, operations: Operations, logger: Logger): Purges {
  const retries = createPurgeRetry(store, logger);
  return {
    async afterMutation(args, result) {
      const index = operations.index(args.schema);
      if (result.data === null || result.data === undefined || index === undefined) return result;
      const name = args.operationName ?? undefined;
      const tags = changedTags(args.schema, index.keys, args.document, name, result.data);
      if (tags.length === 0) return result;
      const purged = purgeTags(tags);
      try {
        await store.purge(purged);
        return result;
      } catch (error) {
        // Tried again until the store is back; the client is told its next reads may be stale.
        logger.warn('cache: the answers a mutation changed could not be purged; retrying', {
          error: error instanceof Error ? error.message : String(error),
          tags: purged.length,
        });
        retries.add(purged);
        return withWarning(result, {
          code: 'CACHE_PURGE_FAILED',
          message:
            'the cache could not drop the answers this mutation changed: reads may be stale for a while',
        });
      }
    },
    async purge(selector) {
      const served = operations.latest();
      const tags = purgeTags(
        selectorTags(selector, served && { schema: served.schema, keys: served.index.keys }),
      );
      try {
        return await store.purge(tags);
      } catch (error) {
        if (error instanceof GatehouseError) throw error;
        throw new GatehouseError(
          'CACHE_STORE_UNAVAILABLE',
          'the cache store could not be reached: some entries may remain; try again',
          [],
          { cause: error },
        );
      }
    },
    close: () => retries.close(),
  };
}
