/**
 * Prometheus metrics (stages: request, subgraph; docs/observability.md). Made only when
 * `metrics.enabled`; then:
 *
 * - request: each answered request to the GraphQL endpoint, on the JSON fast path and Yoga alike,
 *   counted by operation name and type and HTTP status, and its duration observed per operation
 *   (`requestDone`, told by the observed node listener, gateway/server/observe.ts; the observe
 *   room records the operation). Operation names are bounded (operation-names.ts).
 *   `GET <metrics.path>` answers the text format (a plugin that acts on that path only, so the
 *   JSON fast path stays on), unless `metrics.port` serves them on a listener of their own.
 * - subgraph (inside dedup, so a call shared by several operations counts once): each call's
 *   duration per subgraph, and its failures by catalogue code.
 * - `events`: what the cache, rate-limit and load-shedding rooms report (core/telemetry.ts).
 * - scrape time: breaker states, the schema in service and its reloads, plans cached.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { RequestListener } from 'node:http';
import { CLIENT_CLOSED, callOutcome, type RequestDone } from '../../core/request-record.ts';
import { callKind, type ExecutorWrapper, type SubgraphInfo } from '../../core/subgraph-call.ts';
import type { TelemetryEvents } from '../../core/telemetry.ts';
import type { MetricsConfig } from '../config/metrics-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { createFamilies, type Families, PREFIX, type ScrapeSources } from './families.ts';
import { createOperationNames } from './operation-names.ts';
import { listenMetrics, type MetricsListening } from './port.ts';
import { processRegistry } from './process-metrics.ts';

export type { MetricsConfig } from '../config/metrics-schema.ts';
export type { ScrapeSources } from './families.ts';
export { listenMetrics, type MetricsListening } from './port.ts';

export interface MetricsOptions {
  config: MetricsConfig;
  /** The GraphQL endpoint: only its requests are counted. */
  graphqlPath: string;
  /** Where `metrics.port` listens (`server.host`). */
  host: string;
  logger: Logger;
  sources: ScrapeSources;
}

export interface Metrics {
  /** Request stage: `GET <metrics.path>` (without `metrics.port`); closes the port's listener. */
  endpoint: Room;
  /** Subgraph stage, inside dedup: each upstream call's duration and failures. */
  calls: Room;
  /** Given to the cache, rate-limit and load-shedding rooms. */
  events: TelemetryEvents;
  /** Told of each answered request. */
  requestDone: RequestDone;
  /** The metrics in the text format (what a scrape gets). */
  scrape(): Promise<string>;
  /** What a listener of `metrics.port` runs: the metrics at `metrics.path`, 404 elsewhere. */
  portHandler: RequestListener;
  /**
   * Starts the listener of `metrics.port`, when set (`gateway.listen()`; a reloading server keeps
   * its own, `listenMetrics`); resolves with its port.
   */
  listen(): Promise<number | undefined>;
}

const seconds = (ms: number) => ms / 1000;

/** The metrics room; undefined when `metrics.enabled` is false. */
export function createMetrics(options: MetricsOptions): Metrics | undefined {
  const { config, graphqlPath } = options;
  if (!config.enabled) return undefined;
  const families = createFamilies(config.buckets, options.sources);
  const names = createOperationNames(config.maxOperationNames);
  // The gateway's families, then the process-wide process metrics (process-metrics.ts).
  const processMetrics = config.processMetrics ? processRegistry(PREFIX) : undefined;
  const scrape = async () => {
    const own = await families.registry.metrics();
    return processMetrics === undefined ? own : `${own}\n${await processMetrics.metrics()}`;
  };
  let listening: MetricsListening | undefined;
  const unsubscribeChannels = subscribeChannels(families);

  const requestDone: RequestDone = (record, req, res) => {
    const url = req.url ?? '';
    if (url !== graphqlPath && !(url.startsWith(graphqlPath) && url[graphqlPath.length] === '?')) return;
    const operationType = record.operationType ?? 'unknown';
    const operationName = names.label(record.operationName, record.operationType !== undefined);
    // A client that left before any answer: 499, nginx's "client closed request".
    const status = res.headersSent ? res.statusCode : CLIENT_CLOSED;
    families.requests.record(operationName, operationType, status, seconds(performance.now() - record.start));
  };

  const endpoint: Room = {
    name: 'metrics',
    ...(config.port === undefined && {
      plugin: {
        async onRequest({ url, request, endResponse, fetchAPI }) {
          if (url.pathname !== config.path) return;
          if (request.method !== 'GET' && request.method !== 'HEAD') {
            endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
            return;
          }
          const text = await scrape();
          endResponse(
            new fetchAPI.Response(text, {
              status: 200,
              headers: { 'content-type': families.registry.contentType },
            }),
          );
        },
      },
      requestPaths: [config.path],
    }),
    close: () => {
      unsubscribeChannels();
      return listening?.close();
    },
  };

  const portHandler: RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== config.path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`metrics are at ${config.path}\n`);
      return;
    }
    scrape().then(
      (text) => res.writeHead(200, { 'content-type': families.registry.contentType }).end(text),
      (error: unknown) => {
        options.logger.error('metrics: a scrape failed', { error });
        res.writeHead(500).end();
      },
    );
  };

  return {
    endpoint,
    portHandler,
    calls: { name: 'metrics-subgraphs', subgraph: (info) => measureCalls(info, families) },
    events: eventsOf(families),
    requestDone,
    scrape,
    async listen() {
      if (config.port === undefined) return undefined;
      listening = await listenMetrics(options.host, config.port, () => portHandler);
      options.logger.info(`metrics at http://${options.host}:${listening.port}${config.path}`);
      return listening.port;
    },
  };
}

/** Subgraph stage: each call of an operation, its duration and (when it failed) its code. */
function measureCalls({ name }: SubgraphInfo, families: Families): ExecutorWrapper {
  const duration = families.subgraphDuration.labels(name);
  return (next) =>
    async function measureCall(request) {
      if (callKind(request) !== 'operation') return next(request);
      const start = performance.now();
      let outcome: string;
      try {
        const result = await next(request);
        outcome = callOutcome(result);
        return result;
      } catch (error) {
        outcome = callOutcome(undefined, error);
        throw error;
      } finally {
        duration.observe(seconds(performance.now() - start));
        if (outcome! !== 'ok') families.subgraphErrors.labels(name, outcome!).inc();
      }
    };
}

function eventsOf(families: Families): TelemetryEvents {
  return {
    cacheLookup: (cache, outcome, count = 1) => families.cache.labels(cache, outcome).inc(count),
    rateLimit: (limit, scope, allowed) =>
      families.rateLimits.labels(limit, scope, allowed ? 'allowed' : 'limited').inc(),
    loadShedding: (priorityClass, admitted) =>
      families.loadShedding.labels(priorityClass, admitted ? 'admitted' : 'shed').inc(),
  };
}

/**
 * The diagnostics channels other rooms publish on (docs/security.md, docs/caching.md,
 * docs/rate-limits.md); they are process-wide, so two gateways in one process both count them.
 * Returns what unsubscribes.
 */
function subscribeChannels(families: Families): () => void {
  const onVerify = (message: unknown) => {
    const { kind, ok } = message as { kind: string; ok: boolean };
    families.authVerifications.labels(kind, ok ? 'ok' : 'refused').inc();
  };
  const onStore = (store: string) => (message: unknown) => {
    const { kind, state } = message as { kind: string; state: 'down' | 'up' };
    families.storeDown.labels(store, kind).set(state === 'down' ? 1 : 0);
  };
  const channels: [string, (message: unknown) => void][] = [
    ['gatehouse:auth:verify', onVerify],
    ['gatehouse:cache:store', onStore('cache')],
    ['gatehouse:rate-limit:store', onStore('rate-limit')],
  ];
  for (const [name, listener] of channels) subscribe(name, listener);
  return () => {
    for (const [name, listener] of channels) unsubscribe(name, listener);
  };
}
