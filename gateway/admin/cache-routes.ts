/**
 *   POST <path>/cache/purge   { "type": "Product", "key": "42" } | { "type": "Product" }
 *                             | { "operation": "TopProducts" }
 *        →  { "purged": <entries dropped>, "store": "memory" | "redis", "scope": "this replica" | "all replicas" }
 *
 * With the memory cache store a purge reaches the replica that answers it; with Redis, all.
 */
import { GatehouseError } from '../../core/errors.ts';
import type { PurgeSelector } from '../cache/index.ts';
import type { Logger } from '../logger/index.ts';
import type { AdminRoute } from './routes.ts';

export interface CacheRoutesOptions {
  /** Drops the kept answers a selector names (the cache room's `purge`). */
  purge(selector: PurgeSelector): Promise<number>;
  /** Where the cache keeps answers: a purge of the memory store reaches this replica only. */
  store: 'memory' | 'redis';
  logger: Pick<Logger, 'info'>;
}

export function cacheRoutes(options: CacheRoutesOptions): AdminRoute[] {
  return [
    {
      method: 'POST',
      pattern: /^cache\/purge$/,
      template: 'cache/purge',
      maxBody: 16 * 1024,
      async run({ body }) {
        const selector = selectorOf(body);
        const purged = await options.purge(selector);
        options.logger.info('admin: cache purged', { selector, purged, store: options.store });
        // With the memory store, other replicas keep their answers: said, so a script can tell.
        return {
          purged,
          store: options.store,
          scope: options.store === 'redis' ? 'all replicas' : 'this replica',
        };
      },
    },
  ];
}

function selectorOf(body: unknown): PurgeSelector {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatehouseError(
      'BAD_REQUEST',
      'the body must be a JSON object: { "type": "Product", "key": "42" }',
    );
  const unknown = Object.keys(body).filter((name) => !['type', 'key', 'operation'].includes(name));
  if (unknown.length > 0)
    throw new GatehouseError(
      'BAD_USER_INPUT',
      `purge: unknown field(s) ${unknown.join(', ')}; use type, key, operation`,
    );
  return body as PurgeSelector;
}
