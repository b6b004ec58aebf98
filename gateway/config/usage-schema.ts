/**
 * The `usage` config key: operations and the schema coordinates they use, counted (the room
 * `gateway/usage/`), for `gatehouse check` to say which operations a change would break and for
 * the admin API's summary. docs/usage.md.
 */
import { z } from 'zod';
import { duration } from './duration.ts';

const WEEK = 7 * 24 * 3_600_000; // 7 days, in ms

export const usageSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Count operations and the fields, arguments, types and enum values they use (about 0.1 µs per request, the coordinates of each document read once; nothing when off); read by `gatehouse check` and the admin API',
      ),
    store: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe(
        "`memory`: counts kept in this process (lost on restart, one replica's view); `redis`: in the `redis` connection, shared by every replica (flushed once per `flushInterval`)",
      ),
    retention: duration(
      'How long counts are kept and read: an operation not seen for this long no longer counts as used (counted in 24 buckets, so the window moves by 1/24 of it)',
    ).default(WEEK),
    maxOperations: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe(
        'Most distinct operations (name and document) kept; past it, new operations are not counted (logged once) until old ones leave the window',
      ),
    flushInterval: duration(
      'How often counts are written to the store, off the request path (a crash loses at most this much)',
    ).default(1_000),
  })
  .describe('Usage reporting: which operations ran, and which schema coordinates they use');

export type UsageConfig = z.output<typeof usageSchema>;

/** `usage.store: redis` needs the `redis` connection (called by the config's cross-checks). */
export function checkUsageStore(config: { usage?: unknown; redis?: unknown }, ctx: z.RefinementCtx): void {
  const usage = config.usage;
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return;
  if ((usage as Record<string, unknown>).store === 'redis' && config.redis === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['usage', 'store'],
      message: 'is "redis" but no `redis` connection is configured; add `redis: { url: redis://... }`',
    });
}
