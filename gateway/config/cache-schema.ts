/**
 * The `cache` section (the cache room, `gateway/cache/`): the response cache, the default policy
 * of fields that declare none, the store that keeps entries; and `subgraphs[].cacheControl`, the
 * `@cacheControl` a REST or plain GraphQL backend's fields and types carry when its SDL cannot say
 * so. docs/caching.md says what each one does.
 */
import { z } from 'zod';
import { HEADER_NAME } from '../../core/header-name.ts';

/** `Type` or `Type.field`. */
const cacheCoordinate = z
  .string()
  .regex(
    /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/,
    'must be a schema coordinate: `Type` or `Type.field`',
  );

const headerName = z
  .string()
  .regex(HEADER_NAME, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase());

/** What `@cacheControl` says of one field or type (Apollo's arguments). */
export const cacheControlSchema = z
  .strictObject({
    maxAge: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Seconds an answer holding this field (or type) may be cached (as `@cacheControl(maxAge:)`)'),
    scope: z
      .enum(['PUBLIC', 'PRIVATE'])
      .optional()
      .describe(
        '`PRIVATE`: an answer holding it is cached per caller, and never for a caller without an identity (as `@cacheControl(scope:)`)',
      ),
    inheritMaxAge: z
      .boolean()
      .optional()
      .describe(
        "The field takes its parent field's maxAge instead of the default (as `@cacheControl(inheritMaxAge:)`)",
      ),
  })
  .refine((c) => !(c.inheritMaxAge === true && c.maxAge !== undefined), {
    message: 'sets both maxAge and inheritMaxAge: keep one (inheritMaxAge takes the parent field’s)',
  })
  .describe('A cache policy (as `@cacheControl`)');
export type CacheControlConfig = z.output<typeof cacheControlSchema>;

export const subgraphCacheControlSchema = z
  .record(cacheCoordinate, cacheControlSchema)
  .optional()
  .describe(
    "Cache policies of this subgraph's fields and types by coordinate, as `@cacheControl` in its SDL would set them (for REST and plain GraphQL backends): `Product: { maxAge: 60 }`, `Query.me: { scope: PRIVATE }`",
  );
export type SubgraphCacheControlConfig = z.output<typeof subgraphCacheControlSchema>;

export const cacheSchema = z
  .strictObject({
    store: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe(
        'Where entries are kept: `memory`, in this process (bounded by `maxBytes`); `redis`, in the `redis` connection, shared by every replica (purges, locks and entries), with no cache while it is out',
      ),
    storeTimeout: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe(
        'With `store: redis`: longest time one read, write or lock may take in Redis (all its round trips), in ms, before the cache steps aside for that request; a purge has 5 s',
      ),
    compressAbove: z
      .number()
      .int()
      .min(0)
      .default(4096)
      .describe('With `store: redis`: answers larger than this many bytes are stored compressed (Brotli)'),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe(
        'Most bytes the memory store keeps (each entry counted by its serialised size); the least recently used go first',
      ),
    defaultMaxAge: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Seconds for root fields and fields returning objects that declare no `@cacheControl`; 0: an operation selecting one is not cached',
      ),
    staleIfError: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Seconds past its maxAge an answer is kept to be served when a backend fails (unreachable, timing out, answering with an HTTP error), with a warning in `extensions.warnings` instead of the errors; 0: never',
      ),
    staleWhileRevalidate: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Seconds past its maxAge a kept answer is still served, at once, while one request per key runs the operation again in the background to refresh it (across replicas with the Redis store); 0: never',
      ),
    subgraphCacheControl: z
      .enum(['ignore', 'cap'])
      .default('ignore')
      .describe(
        "`cap`: a subgraph's `Cache-Control` answer header caps what is kept from its answers (the smaller `max-age`, `s-maxage` first; nothing for `no-store`, `no-cache`, or `private` of a shared answer); `ignore`: only the policies count",
      ),
    entities: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            "Keep each subgraph's entities one by one (from `_entities` calls, and the lookups of REST and plain GraphQL backends): a call is sent with only the representations not kept, or not at all",
          ),
        rootFields: z
          .boolean()
          .default(true)
          .describe("With `enabled`: keep each subgraph's answers to root-field calls too, whole"),
      })
      .prefault({})
      .describe(
        'The entity cache (subgraph stage): entities per subgraph, type, key and selection, for the maxAge of their type and fields',
      ),
    response: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Cache whole answers of queries whose fields all have a policy (`@cacheControl`, or `defaultMaxAge`), and say what each answer may be cached for (`Cache-Control`, `ETag`); false: neither',
          ),
        vary: z
          .array(headerName)
          .default([])
          .describe(
            'Request headers whose values are part of the key, e.g. `[accept-language]`: answers for different values are kept apart',
          ),
        maxEntryBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024)
          .describe('Largest answer kept, in bytes of its JSON; larger ones are served and not cached'),
      })
      .prefault({})
      .describe(
        'The response cache (operation stage): whole answers, keyed by operation, variables and vary inputs',
      ),
  })
  .describe('Caching of answers (docs/caching.md)');
export type CacheConfig = z.output<typeof cacheSchema>;
