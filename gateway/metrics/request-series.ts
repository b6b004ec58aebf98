/**
 * The two request families (`graphql_requests_total` by operation name, type and status;
 * `graphql_request_duration_seconds` by operation name and type), kept as plain numbers per
 * series and turned into prom-client's form only at scrape time. A request costs two `Map`
 * look-ups, a walk of the buckets and a few additions: no label hashing nor validation, which
 * prom-client does on every `inc`/`observe`, even through `labels()` children. Series are bounded
 * by the operation names (operation-names.ts) times the types times the statuses seen.
 */
import type { Metric, Registry } from 'prom-client';

/** One line of a family, as the registry formats it (prom-client's own type is not exported). */
interface Value {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** One operation name and type: its counts by status and its latency histogram. */
interface Series {
  readonly labels: { operation_name: string; operation_type: string };
  readonly byStatus: Map<number, number>;
  /** Observations per bucket (not cumulative); the last slot is `+Inf`. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

export interface RequestSeries {
  /** Counts one answered request and observes its duration. */
  record(operationName: string, operationType: string, status: number, seconds: number): void;
}

/** Registers both families on `registry`; `bounds` are the buckets' upper bounds, in seconds. */
export function createRequestSeries(
  registry: Registry,
  prefix: string,
  bounds: readonly number[],
): RequestSeries {
  // Operation type, then name: types are a handful of constants.
  const byType = new Map<string, Map<string, Series>>();
  const seriesOf = (name: string, type: string): Series => {
    let byName = byType.get(type);
    if (byName === undefined) {
      byName = new Map();
      byType.set(type, byName);
    }
    let series = byName.get(name);
    if (series === undefined) {
      series = {
        labels: { operation_name: name, operation_type: type },
        byStatus: new Map(),
        buckets: new Array<number>(bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byName.set(name, series);
    }
    return series;
  };
  function* all(): Generator<Series> {
    for (const byName of byType.values()) yield* byName.values();
  }

  family(
    registry,
    `${prefix}graphql_requests_total`,
    'counter',
    'Requests to the GraphQL endpoint, by operation name and type and HTTP status (499: the client left before any answer)',
    () => {
      const values: Value[] = [];
      for (const s of all())
        for (const [status, value] of s.byStatus) values.push({ labels: { ...s.labels, status }, value });
      return values;
    },
  );
  family(
    registry,
    `${prefix}graphql_request_duration_seconds`,
    'histogram',
    'Time from a request to the GraphQL endpoint coming in to its response being written, by operation',
    () => {
      const values: Value[] = [];
      const name = `${prefix}graphql_request_duration_seconds`;
      for (const s of all()) {
        let cumulative = 0;
        s.buckets.forEach((n, i) => {
          cumulative += n;
          const le = i < bounds.length ? bounds[i]! : '+Inf';
          values.push({ metricName: `${name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
        });
        values.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
        values.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
      }
      return values;
    },
  );

  return {
    record(operationName, operationType, status, seconds) {
      const series = seriesOf(operationName, operationType);
      series.byStatus.set(status, (series.byStatus.get(status) ?? 0) + 1);
      // prom-client's rule: an observation counts in the first bucket whose bound it does not pass.
      let i = 0;
      while (i < bounds.length && seconds > bounds[i]!) i++;
      series.buckets[i]!++;
      series.sum += seconds;
      series.count++;
    },
  };
}

/** A family whose values are read at scrape time, in the shape the registry formats. */
function family(
  registry: Registry,
  name: string,
  type: 'counter' | 'histogram',
  help: string,
  values: () => Value[],
): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: () => ({ name, help, type, aggregator: 'sum', values: values() }),
  };
  // The registry needs only `name` and `get()` (registry.js); its type names prom-client's classes.
  registry.registerMetric(metric as unknown as Metric);
}
