/**
 * The fault scenarios: what the faulty subgraph does between injection and recovery, the operation
 * that needs it, and what the gateway's config changes for it.
 */
import { upstreamSchema } from '../../../gateway/config/schema.ts';
import type { SwitchServer } from '../../helpers/switch-server.ts';
import type { OperationName } from './operations.ts';
import { BODY_BUDGET, HUGE_BYTES, MAX_RESPONSE, SLOW_MS } from './settings.ts';

export interface Scenario {
  name: string;
  /** What the faulty backend does, for the report. */
  fault: string;
  /** The operation that needs the faulty subgraph. */
  operation: OperationName;
  /** The faulty subgraph's `dedup` (the drill uses `off` so that each client's call is one call). */
  dedup: 'off' | 'shared';
  /**
   * The operation needing the faulty subgraph sent at a fixed rate (open loop) instead of by
   * looping clients (who all end up waiting on a hung backend, and send nothing new meanwhile).
   */
  arrivals?: { perSecond: number; maxInFlight: number };
  /** Keys added to `upstream`. */
  upstream?: Record<string, unknown>;
  /** Why it does not run, when it cannot. */
  skip?: string;
  inject(flaky: SwitchServer): Promise<void> | void;
  recover(flaky: SwitchServer): Promise<void> | void;
}

const backToOk = (flaky: SwitchServer) => flaky.set({ kind: 'ok' });

const hasBodyBudget = Object.hasOwn(upstreamSchema.shape, 'maxBodyBytesInFlight');

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'hang',
    fault: 'accepts the request, never answers',
    operation: 'root',
    dedup: 'off',
    inject: (flaky) => flaky.set({ kind: 'hang' }),
    recover: backToOk,
  },
  {
    name: 'hang, open loop',
    fault:
      'as `hang`; the operation needing it arrives at 100/s (at most 200 in flight) instead of from 10 clients',
    operation: 'root',
    dedup: 'off',
    arrivals: { perSecond: 100, maxInFlight: 200 },
    inject: (flaky) => flaky.set({ kind: 'hang' }),
    recover: backToOk,
  },
  {
    name: 'hang, dedup shared',
    fault: 'as `hang`, with the default `dedup: shared` (identical calls in flight are sent once)',
    operation: 'root',
    dedup: 'shared',
    inject: (flaky) => flaky.set({ kind: 'hang' }),
    recover: backToOk,
  },
  {
    name: 'slow',
    fault: `answers after ${SLOW_MS / 1000} s (past the deadline)`,
    operation: 'root',
    dedup: 'off',
    inject: (flaky) => flaky.set({ kind: 'slow', ms: SLOW_MS }),
    recover: backToOk,
  },
  {
    name: '500',
    fault: 'HTTP 500, text body',
    operation: 'root',
    dedup: 'off',
    inject: (flaky) => flaky.set({ kind: 'status', status: 500 }),
    recover: backToOk,
  },
  {
    name: 'reset',
    fault: 'reads the request, then resets the connection (TCP RST)',
    operation: 'root',
    dedup: 'off',
    inject: (flaky) => flaky.set({ kind: 'reset' }),
    recover: backToOk,
  },
  {
    name: 'refused',
    fault: 'stops listening: connection refused on its loopback port',
    operation: 'root',
    dedup: 'off',
    inject: (flaky) => flaky.down(),
    recover: (flaky) => flaky.up(),
  },
  {
    name: 'garbage',
    fault: '200 `application/json` with a body that is not JSON',
    operation: 'root',
    dedup: 'off',
    inject: (flaky) => flaky.set({ kind: 'garbage' }),
    recover: backToOk,
  },
  {
    name: 'wrong entity count',
    fault: '`_entities` answered with one entity too few',
    operation: 'entity',
    dedup: 'off',
    inject: (flaky) => flaky.set({ kind: 'wrong-entity-count' }),
    recover: backToOk,
  },
  {
    name: 'huge body',
    fault: `200 with a valid answer of ${HUGE_BYTES / 1024 / 1024} MiB; upstream.maxBodyBytesInFlight ${BODY_BUDGET / 1024 / 1024} MiB, maxResponseSize ${MAX_RESPONSE / 1024 / 1024} MiB`,
    operation: 'root',
    dedup: 'off',
    // The budget may not be smaller than the largest answer allowed (64 MiB by default).
    upstream: { maxBodyBytesInFlight: BODY_BUDGET, maxResponseSize: MAX_RESPONSE },
    ...(hasBodyBudget ? {} : { skip: 'upstream.maxBodyBytesInFlight is not in the config schema' }),
    inject: (flaky) => flaky.set({ kind: 'huge', bytes: HUGE_BYTES }),
    recover: backToOk,
  },
];
