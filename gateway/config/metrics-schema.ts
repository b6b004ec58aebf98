/**
 * The `metrics` section (the metrics room, `gateway/metrics/`): Prometheus metrics at a path of
 * the gateway's server or on a port of their own. docs/observability.md lists every metric.
 */
import { z } from 'zod';

/** Request and subgraph call latency buckets, in seconds (prom-client's defaults). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metricsSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Serve Prometheus metrics; false records nothing and costs nothing per request'),
    path: z
      .string()
      .startsWith('/')
      .default('/metrics')
      .describe('Path the metrics are served at (on the gateway server, or on `port` when set)'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .optional()
      .describe(
        'Serve the metrics on this port of `server.host` instead of the gateway server (0 picks a free one); absent: on the gateway server',
      ),
    maxOperationNames: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe(
        'Most distinct operation names used as label values; operations of other names are counted under `__other` (and operations without a name under `__anonymous`)',
      ),
    buckets: z
      .array(z.number().positive())
      .min(1)
      .default(DEFAULT_BUCKETS)
      .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), {
        message: 'must be in increasing order, each once; e.g. [0.01, 0.1, 1]',
      })
      .describe('Upper bounds of the latency histograms (requests, subgraph calls), in seconds'),
    processMetrics: z
      .boolean()
      .default(true)
      .describe('Also export the process metrics (CPU, memory, event loop lag, GC), prefixed `gatehouse_`'),
  })
  .describe('Prometheus metrics (docs/observability.md)');

/** Where GraphiQL's files are served (gateway/graphiql/index.ts, not configurable). */
const GRAPHIQL_ASSETS = '/graphiql/assets';

/**
 * Without `metrics.port`, `metrics.path` is served by the gateway server, before the admin
 * endpoint and GraphiQL's files: it may not be the GraphQL endpoint nor a health path, nor the
 * admin path (when the admin endpoint is on) or a path under it, nor a path of GraphiQL's files,
 * which it would hide.
 */
export function checkMetricsPath(
  config: { metrics?: unknown; server?: unknown; admin?: unknown },
  ctx: z.RefinementCtx,
): void {
  const metrics = isPlain(config.metrics) ? config.metrics : {};
  if (metrics.enabled === false || metrics.port !== undefined) return;
  const path = typeof metrics.path === 'string' ? metrics.path : '/metrics';
  const server = isPlain(config.server) ? config.server : {};
  const admin = isPlain(config.admin) && config.admin.enabled === true ? config.admin : undefined;
  const others: [string, unknown, 'exact' | 'prefix'][] = [
    ['server.graphqlPath', server.graphqlPath ?? '/graphql', 'exact'],
    ['server.healthPath', server.healthPath ?? '/healthz', 'exact'],
    ['server.readyPath', server.readyPath ?? '/readyz', 'exact'],
    ["GraphiQL's files", GRAPHIQL_ASSETS, 'prefix'],
  ];
  if (admin !== undefined) others.push(['admin.path', admin.path ?? '/admin', 'prefix']);
  for (const [name, other, match] of others) {
    if (typeof other !== 'string') continue;
    const taken = other === path || (match === 'prefix' && path.startsWith(`${other.replace(/\/+$/, '')}/`));
    if (!taken) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['metrics', 'path'],
      message: `"${path}" is ${other === path ? 'also' : 'under'} ${name} ("${other}"); pick another path, e.g. /metrics, or serve metrics on their own \`metrics.port\``,
    });
  }
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `metrics` section once checked and resolved. */
export type MetricsConfig = z.output<typeof metricsSchema>;
