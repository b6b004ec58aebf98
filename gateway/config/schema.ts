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
import { crossCheck, isPlain } from './cross-checks.ts';
import { demandControlSchema } from './demand-control-schema.ts';
import { duration } from './duration.ts';
import { headersSchema } from './headers-schema.ts';
import { limitsSchema, serverSecurityKeys } from './limits-schema.ts';
import { loadSheddingSchema } from './load-shedding-schema.ts';
import { loggingSchema } from './logging-schema.ts';
import { metricsSchema } from './metrics-schema.ts';
import { policiesSchema } from './policies-schema.ts';
import { rateLimitSchema } from './rate-limit-schema.ts';
import { redisSchema } from './redis-schema.ts';
import { registrySchema } from './registry-schema.ts';
import { reloadSchema } from './reload-schema.ts';
import { bulkheadSchema, circuitBreakerSchema, deadlineSchema, retrySchema } from './resilience-schema.ts';
import {
  type federationSubgraphSchema,
  type graphqlSubgraphSchema,
  type lookupSchema,
  type restSubgraphSchema,
  subgraphSchema,
} from './subgraphs-schema.ts';
import { tracingSchema } from './tracing-schema.ts';
import { trustedDocumentsSchema } from './trusted-documents-schema.ts';
import { usageSchema } from './usage-schema.ts';

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
    pollInterval: duration(
      "Load each subgraph's schema again at this interval (schema polling; a subgraph's own `pollInterval` overrides it) and recompose when one changed; a change that does not compose leaves the schema in service and is reported on /readyz; off when absent",
    ).optional(),
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
    reload: reloadSchema.prefault({}),
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
    metrics: metricsSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    registry: registrySchema.prefault({}),
    tracing: tracingSchema.prefault({}),
    usage: usageSchema.prefault({}),
  })
  // Runs even when other parts of the config are wrong, so that every problem is reported at once.
  .superRefine(crossCheck, { when: (payload) => isPlain(payload.value) });

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
