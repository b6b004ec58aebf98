/**
 * The configuration schema: one zod schema gives the TypeScript type (`GatehouseConfig`), the
 * runtime check (unknown keys rejected, every problem reported with its path) and the JSON Schema
 * in `gatehouse.schema.json` that editors use for completion (`npm run config:schema`).
 */
import { z } from 'zod';
import {
  DEFAULT_MAX_BODY_BYTES_IN_FLIGHT,
  HEALTH_CHECK_INTERVAL,
  HEALTH_CHECK_TIMEOUT,
  HEALTH_PATH,
  READY_PATH,
  RETRY_INITIAL_DELAY,
  RETRY_MAX_DELAY,
  SHUTDOWN_TIMEOUT,
  SUBGRAPH_ERROR_DEFAULTS,
} from '../../core/defaults.ts';
import { adminSchema } from './admin-schema.ts';
import { authSchema } from './auth-schema.ts';
import { cacheSchema } from './cache-schema.ts';
import { demandControlSchema } from './demand-control-schema.ts';
import { duration, durationMs } from './duration.ts';
import { checkHeaderSubgraphs, headersSchema } from './headers-schema.ts';
import { limitsSchema, serverSecurityKeys } from './limits-schema.ts';
import { loadSheddingSchema } from './load-shedding-schema.ts';
import { policiesSchema } from './policies-schema.ts';
import { rateLimitSchema } from './rate-limit-schema.ts';
import { redisSchema } from './redis-schema.ts';
import { bulkheadSchema, circuitBreakerSchema, deadlineSchema, retrySchema } from './resilience-schema.ts';
import {
  type federationSubgraphSchema,
  type graphqlSubgraphSchema,
  type lookupSchema,
  type restSubgraphSchema,
  subgraphSchema,
} from './subgraphs-schema.ts';
import { trustedDocumentsSchema } from './trusted-documents-schema.ts';

export { durationMs } from './duration.ts';
export {
  federationSubgraphSchema,
  graphqlSubgraphSchema,
  lookupSchema,
  restSubgraphSchema,
  subgraphSchema,
} from './subgraphs-schema.ts';

/** Upstream HTTP client settings: one pool per origin, keep-alive. */
export const upstreamSchema = z
  .strictObject({
    connections: z.number().int().positive().default(128).describe('Maximum connections per origin'),
    pipelining: z.number().int().min(0).default(1).describe('HTTP/1.1 pipelining depth per connection'),
    connectTimeout: duration('Time to open a TCP (and TLS) connection').default(5_000),
    headersTimeout: duration('Time to receive the response headers once the request is sent').default(30_000),
    bodyTimeout: duration('Maximum idle time between two chunks of the response body').default(30_000),
    keepAliveTimeout: duration('How long an idle connection is kept').default(4_000),
    requestTimeout: duration('Default deadline for one upstream request, end to end').default(30_000),
    maxResponseSize: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe('Largest upstream response body, in bytes; a larger one is SUBGRAPH_BAD_RESPONSE'),
    maxBodyBytesInFlight: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_MAX_BODY_BYTES_IN_FLIGHT)
      .describe(
        'Most bytes of upstream response bodies being read at once, across every subgraph (256 MiB by default: four answers of maxResponseSize); an answer that does not fit in what is left is dropped with UPSTREAM_MEMORY_EXHAUSTED rather than exhaust memory',
      ),
    circuitBreaker: circuitBreakerSchema.prefault({}),
    retry: retrySchema.prefault({}),
    bulkhead: bulkheadSchema.prefault({}),
  })
  .refine((upstream) => upstream.maxBodyBytesInFlight >= upstream.maxResponseSize, {
    path: ['maxBodyBytesInFlight'],
    message:
      'must be at least `maxResponseSize` (an answer larger than the budget could never be read); raise it or lower `maxResponseSize`',
  })
  .describe('Upstream HTTP client, shared by every subgraph');

export const serverSchema = z
  .strictObject({
    host: z.string().default('127.0.0.1').describe('Address to listen on'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(4000)
      .describe('Port to listen on (0 picks a free one)'),
    graphqlPath: z.string().startsWith('/').default('/graphql').describe('Path of the GraphQL endpoint'),
    ...serverSecurityKeys,
    fastPath: z
      .boolean()
      .default(true)
      .describe(
        'Answer POSTs of application/json to the GraphQL endpoint without the Fetch API wrapping (the same answers and hooks, less CPU); false sends every request through Yoga',
      ),
    healthPath: z.string().startsWith('/').default(HEALTH_PATH).describe('Liveness endpoint'),
    readyPath: z.string().startsWith('/').default(READY_PATH).describe('Readiness endpoint'),
    shutdownTimeout: duration(
      'On shutdown, how long requests in flight may take to finish before their connections are closed',
    ).default(SHUTDOWN_TIMEOUT),
    exampleQuery: z.string().optional().describe('Query shown in GraphiQL when it opens'),
    cors: z
      .strictObject({
        origins: z
          .array(z.string())
          .min(1)
          .describe(
            'Origins allowed to call the gateway from a browser, e.g. `https://app.example.com`; `*` for any',
          ),
        credentials: z
          .boolean()
          .default(false)
          .describe('Allow cookies and HTTP auth on cross-origin requests (not with `*`)'),
      })
      .refine((cors) => !(cors.credentials && cors.origins.includes('*')), {
        path: ['credentials'],
        message: 'cannot be true with origin "*" (any site could act as the user); list the origins instead',
      })
      .optional()
      .describe(
        'Cross-origin browser access; absent: no CORS headers, so only same-origin pages can read answers',
      ),
    readyDetails: z
      .enum(['loopback', 'always', 'never'])
      .default('loopback')
      .describe(
        'Who sees the details of /readyz (load errors, attempts, composition problems): requests from loopback, everyone, or no one; others get the status only',
      ),
  })
  .describe('HTTP server');

export const pollSchema = z
  .strictObject({
    retryInitialDelay: duration('First delay before retrying a subgraph that failed to load').default(
      RETRY_INITIAL_DELAY,
    ),
    retryMaxDelay: duration('Longest delay between retries (the delay doubles up to it)').default(
      RETRY_MAX_DELAY,
    ),
    healthCheckInterval: duration(
      'Time between two health checks of each subgraph in service (/readyz answers 503 while a required one fails, and says `degraded` while an optional one does)',
    ).default(HEALTH_CHECK_INTERVAL),
    healthCheckTimeout: duration('Deadline of one health check; past it the subgraph counts as down').default(
      HEALTH_CHECK_TIMEOUT,
    ),
  })
  .describe('Loading subgraphs');

const messagePolicy = z
  .enum(['pass', 'replace'])
  .describe('`pass`: the subgraph message as it is; `replace`: `replacement` instead');
const replacement = z.string().min(1).describe('The message clients see with `message: replace`');
const extensionsPolicy = z
  .enum(['code', 'all'])
  .describe(
    '`code`: only `code` (and the gateway `serviceName`); `all`: every extension but `exception` and `stacktrace`',
  );

/** What clients see of the errors subgraphs return (not of the gateway's own errors about them). */
export const subgraphErrorsSchema = z
  .strictObject({
    default: z
      .strictObject({
        message: messagePolicy.default(SUBGRAPH_ERROR_DEFAULTS.message),
        replacement: replacement.default(SUBGRAPH_ERROR_DEFAULTS.replacement),
        extensions: extensionsPolicy.default(SUBGRAPH_ERROR_DEFAULTS.extensions),
      })
      .prefault({})
      .describe('For every subgraph without an entry in `subgraphs`'),
    subgraphs: z
      .record(
        z.string(),
        z
          .strictObject({
            message: messagePolicy.optional(),
            replacement: replacement.optional(),
            extensions: extensionsPolicy.optional(),
          })
          .describe('Overrides of `default` for this subgraph; keys left out are taken from `default`'),
      )
      .default({})
      .describe('Per subgraph name'),
  })
  .describe(
    'What clients see of the errors subgraphs return; `exception` and `stacktrace` extensions are never passed',
  );

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to gatehouse.schema.json, for editors'),
    server: serverSchema.prefault({}),
    upstream: upstreamSchema.prefault({}),
    deadline: deadlineSchema.prefault({}),
    loading: pollSchema.prefault({}),
    subgraphErrors: subgraphErrorsSchema.prefault({}),
    auth: authSchema.prefault({}),
    headers: headersSchema.prefault({}),
    engine: z
      .enum(['auto', 'plan', 'stitching'])
      .default('auto')
      .describe(
        'How operations run: `plan` executes cached plans of the Hive query planner (Rust); `stitching` runs the portable graphql-tools engine; `auto` uses `plan` where the planner loads, else `stitching`',
      ),
    limits: limitsSchema.prefault({}),
    trustedDocuments: trustedDocumentsSchema.prefault({}),
    overrideLabels: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Flag labels of progressive `@override(label: "...")` to turn on; `percent(x)` labels need none: x% of operations are drawn (one draw per operation)',
      ),
    planTimeout: duration(
      'Most time the query planner may take to plan one operation (on its own threads, off the event loop); past it the operation is refused with OPERATION_LIMIT_EXCEEDED (plan engine)',
    ).default(5_000),
    planCache: z
      .strictObject({
        maxEntries: z
          .number()
          .int()
          .positive()
          .default(1000)
          .describe('Most operations whose plans are kept (least recently used out first)'),
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(50 * 1024 * 1024)
          .describe('Most memory the kept plans may take, in bytes (estimated from their size)'),
      })
      .prefault({})
      .describe("The plan engine's cache of prepared operations, one per schema in service"),
    supergraph: z
      .string()
      .optional()
      .describe(
        'A pre-composed supergraph SDL file to serve as is; `subgraphs` of the same names say how to run (REST, plain GraphQL) or reach (federation) them',
      ),
    subgraphs: z.array(subgraphSchema).default([]).describe('The backends to compose into one graph'),
    policies: policiesSchema.prefault({}),
    loadShedding: loadSheddingSchema.prefault({}),
    rateLimit: rateLimitSchema.prefault({}),
    demandControl: demandControlSchema.prefault({}),
    cache: cacheSchema.prefault({}),
    admin: adminSchema.prefault({}),
    redis: redisSchema.optional(),
  })
  // Runs even when other parts of the config are wrong, so that every problem is reported at once.
  .superRefine(crossCheck, { when: (payload) => isPlain(payload.value) });

/**
 * Rules across fields: retry delays in order, unique subgraph names, `subgraphErrors.subgraphs`
 * naming configured subgraphs, `supergraph` or `subgraphs` (at least one; with both, the file is
 * served and `subgraphs` says how to run and reach the subgraphs it names).
 */
function crossCheck(
  config: {
    supergraph?: unknown;
    subgraphs?: unknown;
    loading?: unknown;
    subgraphErrors?: unknown;
    rateLimit?: unknown;
    cache?: unknown;
    admin?: unknown;
    server?: unknown;
    redis?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  const loading = isPlain(config.loading) ? config.loading : {};
  const initialDelay = durationMs(loading.retryInitialDelay);
  const maxDelay = durationMs(loading.retryMaxDelay);
  if (initialDelay !== undefined && maxDelay !== undefined && initialDelay > maxDelay) {
    ctx.addIssue({
      code: 'custom',
      path: ['loading', 'retryInitialDelay'],
      message: `must not be longer than loading.retryMaxDelay (${maxDelay} ms); lower it or raise retryMaxDelay`,
    });
  }
  const subgraphs = Array.isArray(config.subgraphs) ? (config.subgraphs as unknown[]) : [];
  const seen = new Map<string, number>();
  subgraphs.forEach((subgraph, index) => {
    const name = isPlain(subgraph) ? subgraph.name : undefined;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['subgraphs', index, 'name'],
        message: `duplicate subgraph name "${name}" (also subgraphs[${first}]); give each subgraph its own name`,
      });
    } else seen.set(name, index);
  });
  const errorPolicies = isPlain(config.subgraphErrors) ? config.subgraphErrors.subgraphs : undefined;
  if (isPlain(errorPolicies) && subgraphs.length > 0) {
    for (const name of Object.keys(errorPolicies)) {
      if (seen.has(name)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['subgraphErrors', 'subgraphs', name],
        message: `names no subgraph; use one of ${[...seen.keys()].join(', ')}`,
      });
    }
  }
  checkHeaderSubgraphs(config, seen, ctx);
  checkRateLimitReferences(config, seen, ctx);
  checkCacheStore(config, ctx);
  checkAdminPath(config, ctx);
  if (config.supergraph === undefined && subgraphs.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['subgraphs'],
      message: 'add at least one subgraph, or point `supergraph` at a composed supergraph file',
    });
  }
}

/** `admin.path` may not hold the GraphQL endpoint or a health path (they would need the admin token). */
function checkAdminPath(config: { admin?: unknown; server?: unknown }, ctx: z.RefinementCtx): void {
  if (!isPlain(config.admin) || config.admin.enabled !== true) return;
  const path = typeof config.admin.path === 'string' ? config.admin.path : '/admin';
  const server = isPlain(config.server) ? config.server : {};
  const others = [
    ['server.graphqlPath', server.graphqlPath ?? '/graphql'],
    ['server.healthPath', server.healthPath ?? '/healthz'],
    ['server.readyPath', server.readyPath ?? '/readyz'],
  ] as const;
  for (const [name, other] of others) {
    if (typeof other !== 'string' || (other !== path && !other.startsWith(`${path}/`))) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['admin', 'path'],
      message: `"${path}" holds ${name} ("${other}"), which would then need the admin token; pick another path, e.g. /admin`,
    });
  }
}

/** `cache.store: redis` needs the `redis` connection. */
function checkCacheStore(config: { cache?: unknown; redis?: unknown }, ctx: z.RefinementCtx): void {
  if (isPlain(config.cache) && config.cache.store === 'redis' && config.redis === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['cache', 'store'],
      message: 'is "redis" but no `redis` connection is configured; add `redis: { url: redis://... }`',
    });
}

/** `rateLimit.store: redis` needs the `redis` connection; `rateLimit.subgraphs` names subgraphs. */
function checkRateLimitReferences(
  config: { supergraph?: unknown; rateLimit?: unknown; redis?: unknown },
  subgraphs: ReadonlyMap<string, number>,
  ctx: z.RefinementCtx,
): void {
  if (!isPlain(config.rateLimit)) return;
  if (config.rateLimit.store === 'redis' && config.redis === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rateLimit', 'store'],
      message: 'is "redis" but no `redis` connection is configured; add `redis: { url: redis://... }`',
    });
  }
  const limited = config.rateLimit.subgraphs;
  // With a supergraph file, the subgraphs it names are known only once it is read.
  if (!isPlain(limited) || config.supergraph !== undefined) return;
  for (const name of Object.keys(limited)) {
    if (subgraphs.has(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['rateLimit', 'subgraphs', name],
      message: `names no subgraph; use one of ${[...subgraphs.keys()].join(', ')}`,
    });
  }
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The configuration as written by a user (defaults optional). */
export type GatehouseConfigInput = z.input<typeof configSchema>;
/** The configuration once checked and resolved (every default filled in). */
export type GatehouseConfig = z.output<typeof configSchema>;
export type SubgraphConfig = GatehouseConfig['subgraphs'][number];
export type FederationSubgraphConfig = z.output<typeof federationSubgraphSchema>;
export type GraphqlSubgraphConfig = z.output<typeof graphqlSubgraphSchema>;
export type RestSubgraphConfig = z.output<typeof restSubgraphSchema>;
export type LookupConfig = z.output<typeof lookupSchema>;
export type UpstreamConfig = GatehouseConfig['upstream'];
export type ServerConfig = GatehouseConfig['server'];
export type SubgraphErrorsConfig = GatehouseConfig['subgraphErrors'];
export type DedupMode = SubgraphConfig['dedup'];
