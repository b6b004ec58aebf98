/**
 * The load process (started by `load.ts`): a fixed number of clients, each looping on one
 * operation over real HTTP (an undici pool), and optionally requests arriving at a fixed rate,
 * until the parent says `stop`, a time cap or a request cap. It warms up first (the same clients
 * for `warmUp` ms, not measured), then tells the parent it has started. Every answer is a sample: when it
 * started and ended, and whether it was whole, partial (the healthy part with coded errors) or
 * failed. The samples go back to the parent in one message, then the process exits.
 */
import { Pool } from 'undici';
import type { LoadMessage, LoadOptions, Outcome, Sample } from './load.ts';
import { clock, OPERATIONS, type Operation } from './operations.ts';

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ extensions?: { code?: unknown } }>;
}

const send = (message: LoadMessage) =>
  new Promise<void>((resolve) => process.send!(message, () => resolve()));

async function run(options: LoadOptions): Promise<Sample[]> {
  const url = new URL(options.url);
  const connections = options.clients.length + (options.arrivals?.maxInFlight ?? 0);
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  let samples: Sample[] = [];
  let until = clock() + options.warmUp;
  let stopped = false;
  let sent = 0;
  process.on('message', (message) => {
    if (message === 'stop') stopped = true;
  });
  const running = () => !stopped && clock() < until && sent < options.maxRequests;

  const request = async (kind: Sample['kind'], operation: Operation) => {
    sent++;
    const start = clock();
    let outcome: Outcome = 'failed';
    let codes: string[];
    try {
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: operation.query }),
        headersTimeout: options.requestTimeout,
        bodyTimeout: options.requestTimeout,
      });
      const answer = (await response.body.json()) as GraphQLBody;
      codes = (answer.errors ?? []).map((e) =>
        typeof e.extensions?.code === 'string' ? e.extensions.code : 'NO_CODE',
      );
      outcome = classify(response.statusCode, answer, operation, codes);
    } catch (error) {
      codes = [`CLIENT_${(error as Error).name}`];
    }
    samples.push({ kind, start, end: clock(), outcome, codes });
  };

  const client = async (kind: Sample['kind'], operation: Operation) => {
    while (running()) await request(kind, operation);
  };

  const arrive = async (arrivals: NonNullable<LoadOptions['arrivals']>) => {
    const operation = OPERATIONS[arrivals.operation];
    const inFlight = new Set<Promise<void>>();
    const interval = 1000 / arrivals.perSecond;
    for (let next = clock(); running(); next += interval) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - clock())));
      if (!running() || inFlight.size >= arrivals.maxInFlight) continue;
      const pending = request(arrivals.kind, operation).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    await Promise.all(inFlight);
  };

  await Promise.all(options.clients.map((c) => client(c.kind, OPERATIONS[c.operation])));
  samples = [];
  sent = 0;
  until = clock() + options.maxDuration;
  await send({ type: 'started' });
  await Promise.all([
    ...options.clients.map((c) => client(c.kind, OPERATIONS[c.operation])),
    ...(options.arrivals ? [arrive(options.arrivals)] : []),
  ]);
  await pool.close();
  return samples;
}

/** Whole: 200, no error, the healthy part there. Partial: the healthy part, and only coded errors. */
function classify(status: number, body: GraphQLBody, operation: Operation, codes: string[]): Outcome {
  const healthy = body.data != null && operation.healthyPart(body.data);
  if (status === 200 && codes.length === 0 && healthy) return 'ok';
  if (healthy && codes.length > 0 && !codes.includes('NO_CODE')) return 'partial';
  return 'failed';
}

process.once('message', async (options: LoadOptions) => {
  const samples = await run(options);
  await send({ type: 'samples', samples });
  process.disconnect();
});
