/**
 * autocannon as the load generator when wrk is not installed. It is installed with the peers
 * (test/bench/peers), never as a gateway dependency, and runs inside the harness process (on the
 * harness's core).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { poolAuthorizations, poolIndex } from '../jwt.ts';
import { PEERS_DIR } from '../targets.ts';
import { type LoadGenerator, type LoadResult, type LoadSpec, REQUEST_TIMEOUT_S } from './types.ts';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

/** The autocannon load generator, or undefined when the peers (and so autocannon) are not installed. */
export function autocannonGenerator(): LoadGenerator | undefined {
  const manifest = join(PEERS_DIR, 'node_modules', 'autocannon', 'package.json');
  if (!existsSync(manifest)) return undefined;
  const autocannon = createRequire(join(PEERS_DIR, 'package.json'))('autocannon') as Autocannon;
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return {
    name: 'autocannon',
    version: `autocannon ${version}`,
    run: (spec) => runAutocannon(autocannon, spec),
  };
}

async function runAutocannon(autocannon: Autocannon, spec: LoadSpec): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  let counter = 0;
  const jwts = spec.tokens && poolAuthorizations(spec.tokens.file);
  const start = spec.tokens?.start ?? 0;
  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    body: spec.body,
    headers: { ...headers, authorization: 'Bearer bench-static' },
    connections: spec.connections,
    duration: spec.durationS,
    timeout: REQUEST_TIMEOUT_S,
    ...(spec.uniqueAuth && {
      requests: [
        {
          setupRequest: (request: AutocannonRequest) => {
            counter++;
            const authorization = jwts
              ? jwts[poolIndex(start, counter - 1, jwts.length)]!
              : `Bearer bench-${counter}`;
            return { ...request, headers: { ...headers, authorization } };
          },
        },
      ],
    }),
  });
  return {
    requests: result.requests.total,
    durationS: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statusErrors: result.non2xx,
    socketErrors: Math.max(0, result.errors - result.timeouts),
    timeouts: result.timeouts,
  };
}
