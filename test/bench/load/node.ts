/**
 * A small load generator in Node itself (undici pool, one loop per connection), used by `--quick`
 * when wrk is not installed: no install needed. Bounded by time and by a request cap.
 */
import { Pool } from 'undici';
import { poolAuthorizations, poolIndex } from '../jwt.ts';
import { type LoadGenerator, type LoadResult, type LoadSpec, REQUEST_TIMEOUT_S } from './types.ts';

/** Stops a loop that would otherwise never end against a very fast target. */
const MAX_REQUESTS = 2_000_000;

export function nodeGenerator(): LoadGenerator {
  return { name: 'node', version: `node ${process.version} + undici`, run: runNode };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function runNode(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, {
    connections: spec.connections,
    headersTimeout: REQUEST_TIMEOUT_S * 1000,
    bodyTimeout: REQUEST_TIMEOUT_S * 1000,
  });
  const latencies: number[] = [];
  let statusErrors = 0;
  let socketErrors = 0;
  let timeouts = 0;
  let counter = 0;
  const jwts = spec.tokens && poolAuthorizations(spec.tokens.file);
  const authorization = (n: number) =>
    jwts && spec.tokens
      ? jwts[poolIndex(spec.tokens.start, n - 1, jwts.length)]!
      : spec.uniqueAuth
        ? `Bearer bench-${n}`
        : 'Bearer bench-static';
  const started = performance.now();
  const deadline = started + spec.durationS * 1000;
  const loop = async () => {
    while (performance.now() < deadline && counter < MAX_REQUESTS) {
      counter++;
      const sent = performance.now();
      try {
        const response = await pool.request({
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            authorization: authorization(counter),
          },
          body: spec.body,
        });
        await response.body.arrayBuffer();
        if (response.statusCode >= 400) statusErrors++;
        latencies.push(performance.now() - sent);
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (code.includes('TIMEOUT')) timeouts++;
        else socketErrors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.connections }, loop));
  } finally {
    await pool.close();
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    durationS: (performance.now() - started) / 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    statusErrors,
    socketErrors,
    timeouts,
  };
}
