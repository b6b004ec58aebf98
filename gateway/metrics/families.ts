/**
 * The metric families of one gateway, on a registry of its own (never prom-client's global one:
 * two gateways in one process keep their own counts). Names follow Prometheus conventions: the
 * `gatehouse_` prefix, `_total` counters, `_seconds` histograms. The gauges of state kept
 * elsewhere (breakers, the schema in service, reloads, plans cached) are read at scrape time.
 * The request families are request-series.ts; the process metrics are process-wide
 * (process-metrics.ts).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitBreakerStatus } from '../../core/readiness.ts';
import type { ReloadCounts } from '../supergraph/index.ts';
import { createRequestSeries } from './request-series.ts';

export const PREFIX = 'gatehouse_';

/** State read at scrape time. */
export interface ScrapeSources {
  /** The version of the schema in service, and the reloads so far. */
  schema(): { version?: string; reloads: ReloadCounts };
  breakers(): CircuitBreakerStatus[];
  plansCached(): number;
}

const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

export function createFamilies(buckets: readonly number[], sources: ScrapeSources) {
  const registry = new Registry();
  const registers = [registry];
  const families = {
    registry,
    requests: createRequestSeries(registry, PREFIX, buckets),
    subgraphDuration: new Histogram({
      name: `${PREFIX}subgraph_request_duration_seconds`,
      help: 'Duration of calls to subgraphs (each upstream call once, retries included), by subgraph',
      labelNames: ['subgraph'] as const,
      buckets: [...buckets],
      registers,
    }),
    subgraphErrors: new Counter({
      name: `${PREFIX}subgraph_errors_total`,
      help: 'Subgraph calls that failed or answered errors, by subgraph and error code',
      labelNames: ['subgraph', 'code'] as const,
      registers,
    }),
    cache: new Counter({
      name: `${PREFIX}cache_lookups_total`,
      help: 'Lookups of the response cache, of the entity cache (`entity`: one per entity) and of root-field calls kept whole (`root`: one per call), by result: hit, stale (served past its maxAge: while refreshed, or for a failed backend), miss',
      labelNames: ['cache', 'result'] as const,
      registers,
    }),
    rateLimits: new Counter({
      name: `${PREFIX}rate_limit_decisions_total`,
      help: 'Decisions of rate limits, by limit, scope (request, operation, subgraph) and decision (allowed, limited)',
      labelNames: ['limit', 'scope', 'decision'] as const,
      registers,
    }),
    authVerifications: new Counter({
      name: `${PREFIX}auth_verifications_total`,
      help: 'Credential verifications that ran (cache misses), by kind (jwt, api-key, introspection) and result (ok, refused); process-wide',
      labelNames: ['kind', 'result'] as const,
      registers,
    }),
    storeDown: new Gauge({
      name: `${PREFIX}store_down`,
      help: 'Shared stores (cache, rate-limit) by kind: 1 while the store cannot be reached, 0 once it is back; process-wide',
      labelNames: ['store', 'kind'] as const,
      registers,
    }),
    loadShedding: new Counter({
      name: `${PREFIX}load_shedding_decisions_total`,
      help: 'Load-shedding decisions, by priority class and decision (admitted, shed)',
      labelNames: ['class', 'decision'] as const,
      registers,
    }),
  };
  new Gauge({
    name: `${PREFIX}circuit_breaker_state`,
    help: 'Circuit breakers by subgraph and origin: 1 for the state each one is in (closed, half-open, open), 0 for the others',
    labelNames: ['subgraph', 'origin', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const b of sources.breakers())
        for (const state of BREAKER_STATES)
          this.set({ subgraph: b.serviceName, origin: b.origin, state }, b.state === state ? 1 : 0);
    },
  });
  new Counter({
    name: `${PREFIX}circuit_breaker_opened_total`,
    help: 'Times each circuit breaker opened, by subgraph and origin',
    labelNames: ['subgraph', 'origin'] as const,
    registers,
    collect() {
      this.reset();
      for (const b of sources.breakers()) this.inc({ subgraph: b.serviceName, origin: b.origin }, b.opened);
    },
  });
  new Gauge({
    name: `${PREFIX}schema_info`,
    help: 'The schema in service: 1, labelled with its version (the first 12 hex digits of the SHA-256 of its supergraph SDL)',
    labelNames: ['version'] as const,
    registers,
    collect() {
      this.reset();
      const { version } = sources.schema();
      if (version !== undefined) this.set({ version }, 1);
    },
  });
  new Counter({
    name: `${PREFIX}schema_reloads_total`,
    help: 'Schemas offered to the hot swap, by result: succeeded (put in service, the first included) or failed (kept out)',
    labelNames: ['result'] as const,
    registers,
    collect() {
      this.reset();
      const { reloads } = sources.schema();
      this.inc({ result: 'succeeded' }, reloads.succeeded);
      this.inc({ result: 'failed' }, reloads.failed);
    },
  });
  new Gauge({
    name: `${PREFIX}plan_cache_entries`,
    help: 'Query plans cached for the schema in service',
    registers,
    collect() {
      this.set(sources.plansCached());
    },
  });
  return families;
}

export type Families = ReturnType<typeof createFamilies>;
