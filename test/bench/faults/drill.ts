/**
 * One scenario of the drill: a gateway listening on loopback over the healthy subgraph and a fresh
 * switchable one, the bounded load through baseline → fault → recovery, then everything closed.
 * Returns the samples and the moments that matter (injection, recovery, breaker log lines).
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { GatehouseConfigInput } from '../../../gateway/config/index.ts';
import type { Logger } from '../../../gateway/logger/index.ts';
import type { HealthySubgraph } from '../../helpers/fault-graph.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startSwitchServer } from '../../helpers/switch-server.ts';
import { type Sample, startLoad } from './load.ts';
import { clock, OPERATIONS } from './operations.ts';
import type { Scenario } from './scenarios.ts';
import { BREAKER, CLIENT_TIMEOUT, CLIENTS, DEADLINE, MAX_REQUESTS, PHASES, WARM_UP } from './settings.ts';

export interface DrillRun {
  samples: Sample[];
  /** `clock()` right after the fault was injected, and after the backend recovered. */
  faultAt: number;
  recoveryAt: number;
  /** When the faulty subgraph's breaker opened and closed (from the gateway's log). */
  opened: number[];
  closed: number[];
  /** Calls that reached the faulty backend during the fault phase. */
  backendCallsDuringFault: number;
  /** The gateway process's event-loop delay in each phase. */
  eventLoop: Record<'baseline' | 'fault' | 'recovery', LoopDelay>;
}

/** Event-loop delay over a phase, milliseconds. */
export interface LoopDelay {
  p99: number;
  max: number;
}

/** The delay since the last reading (in ms), and a fresh start for the next phase. */
function loopDelay(loop: IntervalHistogram): LoopDelay {
  const delay = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  loop.reset();
  return delay;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScenario(scenario: Scenario, healthy: HealthySubgraph): Promise<DrillRun> {
  // With `Product.price` whatever the scenario, so that every scenario runs on the same graph.
  const flaky = await startSwitchServer({ kind: 'ok' }, { entities: true });
  const opened: number[] = [];
  const closed: number[] = [];
  const note = (message: string) => {
    if (!message.includes('circuit breaker of flaky')) return;
    if (message.includes(' opened:')) opened.push(clock());
    else if (message.includes(' closed:')) closed.push(clock());
  };
  const logger: Logger = { debug: () => {}, info: note, warn: note, error: () => {} };
  const config = {
    server: { shutdownTimeout: 1_000 },
    deadline: { timeout: DEADLINE },
    upstream: { circuitBreaker: BREAKER, ...scenario.upstream },
    subgraphs: [
      { name: 'healthy', kind: 'federation', url: healthy.url },
      {
        name: 'flaky',
        kind: 'federation',
        url: flaky.url,
        schemaFile: flaky.schemaFile,
        dedup: scenario.dedup,
      },
    ],
  } as GatehouseConfigInput;
  let gateway: Awaited<ReturnType<typeof startTestGateway>> | undefined;
  try {
    gateway = await startTestGateway(config, { logger });
    const { url } = await gateway.listen();
    const endpoint = `${url}/graphql`;
    await checkAnswers(endpoint, scenario);
    const half = CLIENTS / 2;
    const { arrivals } = scenario;
    const load = startLoad({
      url: endpoint,
      clients: Array.from({ length: arrivals ? half : CLIENTS }, (_, i) =>
        i < half
          ? { kind: 'healthy' as const, operation: 'healthy' as const }
          : { kind: 'faulty' as const, operation: scenario.operation },
      ),
      ...(arrivals
        ? { arrivals: { kind: 'faulty' as const, operation: scenario.operation, ...arrivals } }
        : {}),
      // The phases plus a margin for injection and recovery; `stop()` comes first.
      maxDuration: PHASES.baseline + PHASES.fault + PHASES.recovery + 5_000,
      maxRequests: MAX_REQUESTS,
      requestTimeout: CLIENT_TIMEOUT,
      warmUp: WARM_UP,
    });
    await load.started;
    // The gateway's event loop: how long callbacks waited behind others, per phase.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await sleep(PHASES.baseline);
    await scenario.inject(flaky);
    const faultAt = clock();
    const baselineLoop = loopDelay(loop);
    const callsBefore = flaky.requests();
    await sleep(PHASES.fault);
    const backendCallsDuringFault = flaky.requests() - callsBefore;
    await scenario.recover(flaky);
    const recoveryAt = clock();
    const faultLoop = loopDelay(loop);
    await sleep(PHASES.recovery);
    const recoveryLoop = loopDelay(loop);
    loop.disable();
    load.stop();
    const samples = await load.done;
    const eventLoop = { baseline: baselineLoop, fault: faultLoop, recovery: recoveryLoop };
    return { samples, faultAt, recoveryAt, opened, closed, backendCallsDuringFault, eventLoop };
  } finally {
    await gateway?.close();
    await flaky.close();
  }
}

/** Both operations answer whole before the load starts (else the drill measures a broken setup). */
async function checkAnswers(endpoint: string, scenario: Scenario): Promise<void> {
  for (const operation of [OPERATIONS.healthy, OPERATIONS[scenario.operation]]) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: operation.query }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (
      response.status !== 200 ||
      body.errors !== undefined ||
      !body.data ||
      !operation.healthyPart(body.data)
    )
      throw new Error(`${scenario.name}: ${operation.query} does not answer whole: ${JSON.stringify(body)}`);
  }
}
