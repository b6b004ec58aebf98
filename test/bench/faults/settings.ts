import { circuitBreakerSchema } from '../../../gateway/config/resilience-schema.ts';

/**
 * The drill's fixed settings: the gateway's resilience config (short breaker times, so that a
 * scenario fits in seconds), the phases and the load. Printed with the results.
 */

/** `upstream.circuitBreaker` of the drill's gateway. */
export const BREAKER = {
  // Short, like the times below. At a steady rate, a backend that starts failing opens it about
  // half a window later (failures are then half the window's calls), one that hangs about a whole
  // window later (every call of the window slow: `slowCallRate` 1, the default).
  window: 2_000, // 2 s
  minimumCalls: 10,
  failureRate: 0.5,
  slowCallThreshold: 500, // 500 ms
  openDuration: 1_000, // 1 s
  maxOpenDuration: 2_000, // 2 s
  halfOpenCalls: 3,
} as const;

/** `deadline.timeout`: a hung or slow call ends by it (`GATEWAY_TIMEOUT`). */
export const DEADLINE = 2_000; // 2 s

/** A load before each scenario's, not measured: each scenario has a fresh gateway to warm up. */
export const WARM_UP = 1_000; // 1 s

/** How long each phase of a scenario runs. */
export const PHASES = {
  baseline: 2_000, // 2 s, all healthy
  fault: 4_000, // 4 s, the fault injected
  recovery: 4_000, // 4 s, healthy again
} as const;

/** Concurrent clients, each looping on one operation: half on each kind. */
export const CLIENTS = 20;

/** Requests per scenario at most, whatever the time left (the load is bounded in count and time). */
export const MAX_REQUESTS = 100_000;

/** A client gives up on a request after this (none should get near it: the deadline is 2 s). */
export const CLIENT_TIMEOUT = 5_000; // 5 s

/** The `slow` backend answers after this, past the deadline. */
export const SLOW_MS = 3_000; // 3 s

/** The `huge` backend's answers, and the gateway's budget of bytes in flight for that scenario. */
export const HUGE_BYTES = 6 * 1024 * 1024; // 6 MiB
export const BODY_BUDGET = 16 * 1024 * 1024; // 16 MiB
export const MAX_RESPONSE = 8 * 1024 * 1024; // 8 MiB

/** One line for the report: the breaker as the gateway resolves it (defaults included). */
export function describeSettings(): string {
  const breaker = Object.entries(circuitBreakerSchema.parse(BREAKER))
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return [
    `circuitBreaker (durations in ms): ${breaker};`,
    `deadline.timeout ${DEADLINE} ms; retry and bulkhead: defaults;`,
    `${WARM_UP / 1000} s warm-up (not measured), then ${PHASES.baseline / 1000} s baseline, ${PHASES.fault / 1000} s fault, ${PHASES.recovery / 1000} s recovery;`,
    `${CLIENTS} clients (${CLIENTS / 2} per operation), at most ${MAX_REQUESTS} requests per scenario`,
  ].join(' ');
}
