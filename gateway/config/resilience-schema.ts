/**
 * The resilience keys of the configuration: circuit breakers, retries and bulkheads under
 * `upstream` (the defaults of every subgraph) and per subgraph (`subgraphs[].circuitBreaker`...,
 * each key a partial override of `upstream`'s), and the whole-request `deadline`. Part of the one
 * config schema (`schema.ts`); the rooms are in gateway/resilience/.
 */
import { z } from 'zod';
import { HEADER_NAME } from '../../core/header-name.ts';
import { duration } from './duration.ts';

const ratio = (what: string) => z.number().min(0).max(1).describe(what);

/** `upstream.circuitBreaker`, with its defaults; per subgraph, any subset of it. */
const circuitBreakerKeys = {
  enabled: z
    .boolean()
    .describe('Calls to a backend that keeps failing or hanging fail at once (`SUBGRAPH_CIRCUIT_OPEN`)'),
  window: duration('The rolling window over which calls and failures are counted'),
  minimumCalls: z
    .number()
    .int()
    .positive()
    .describe('Calls in the window before the failure rate is judged (fewer never open the breaker)'),
  failureRate: ratio(
    'Share of calls in the window that failed (unreachable, timed out on their own timeout, HTTP 5xx) at which the breaker opens',
  ),
  slowCallThreshold: duration(
    'A call longer than this is slow; one in flight that long counts as slow from that moment (a hung backend opens the breaker before its calls time out)',
  ),
  slowCallRate: ratio(
    'Share of slow calls in the window at which the breaker opens (1: every call slow, as when the backend hangs)',
  ),
  openDuration: duration('How long the breaker stays open the first time, before it lets probes through'),
  maxOpenDuration: duration(
    'The longest it stays open: each failed probe doubles the wait, up to this; a close resets it',
  ),
  halfOpenCalls: z
    .number()
    .int()
    .positive()
    .describe(
      'Probe calls let through while half-open; all must succeed to close it, one failed or slow probe reopens it',
    ),
};

export const circuitBreakerSchema = z
  .strictObject({
    enabled: circuitBreakerKeys.enabled.default(true),
    window: circuitBreakerKeys.window.default(10_000),
    minimumCalls: circuitBreakerKeys.minimumCalls.default(10),
    failureRate: circuitBreakerKeys.failureRate.default(0.5),
    slowCallThreshold: circuitBreakerKeys.slowCallThreshold.default(10_000),
    slowCallRate: circuitBreakerKeys.slowCallRate.default(1),
    openDuration: circuitBreakerKeys.openDuration.default(5_000),
    maxOpenDuration: circuitBreakerKeys.maxOpenDuration.default(60_000),
    halfOpenCalls: circuitBreakerKeys.halfOpenCalls.default(3),
  })
  .refine((b) => b.maxOpenDuration >= b.openDuration, {
    path: ['maxOpenDuration'],
    message: 'must be at least `openDuration`',
  })
  .describe(
    'Circuit breaker of each backend origin (a subgraph URL, a REST API): per replica, on by default',
  );

const RETRY_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const;

const retryKeys = {
  enabled: z.boolean().describe('Retry idempotent calls that failed on the way (never a mutation)'),
  attempts: z.number().int().min(1).max(10).describe('Attempts in all, the first included (2: one retry)'),
  baseDelay: duration('Backoff before the first retry; it doubles for each next one (full jitter)'),
  maxDelay: duration('Longest backoff before a retry'),
  budget: ratio('Retries may be at most this share of calls to the subgraph in `budgetWindow`'),
  minRetries: z
    .number()
    .int()
    .min(0)
    .describe('Retries allowed in `budgetWindow` whatever the share (so a quiet subgraph may retry too)'),
  budgetWindow: duration('The rolling window over which the retry budget is counted'),
  statuses: z
    .array(z.number().int().min(500).max(599))
    .describe('HTTP statuses that are retried (connection errors and timeouts always are)'),
  methods: z
    .array(
      z.enum(RETRY_METHODS, {
        error: (issue) =>
          `must be one of ${RETRY_METHODS.join(', ')}, not ${JSON.stringify(issue.input)} (a POST is never retried: it may not be idempotent)`,
      }),
    )
    .describe(
      'HTTP methods of REST calls that may be retried; GraphQL queries always may, mutations never are',
    ),
};

export const retrySchema = z
  .strictObject({
    enabled: retryKeys.enabled.default(true),
    attempts: retryKeys.attempts.default(2),
    baseDelay: retryKeys.baseDelay.default(25),
    maxDelay: retryKeys.maxDelay.default(1_000),
    budget: retryKeys.budget.default(0.1),
    minRetries: retryKeys.minRetries.default(3),
    budgetWindow: retryKeys.budgetWindow.default(10_000),
    statuses: retryKeys.statuses.default([502, 503, 504]),
    methods: retryKeys.methods.default(['GET', 'HEAD', 'OPTIONS']),
  })
  .refine((r) => r.maxDelay >= r.baseDelay, { path: ['maxDelay'], message: 'must be at least `baseDelay`' })
  .describe(
    'Retries of idempotent calls on connection errors, timeouts and 502/503/504, within the request deadline and a budget',
  );

const bulkheadKeys = {
  maxConcurrent: z
    .number()
    .int()
    .positive()
    .describe('Calls to one subgraph in flight at once; more wait in its queue'),
  maxQueue: z
    .number()
    .int()
    .min(0)
    .describe('Calls that may wait for a free slot; past it a call fails at once (`SUBGRAPH_OVERLOADED`)'),
};

export const bulkheadSchema = z
  .strictObject({
    maxConcurrent: bulkheadKeys.maxConcurrent.default(256),
    maxQueue: bulkheadKeys.maxQueue.default(1_024),
  })
  .describe(
    'Calls in flight to each subgraph, bounded, with a bounded queue (one slow subgraph cannot take every connection)',
  );

/** Per subgraph: any subset of `upstream.circuitBreaker`, `retry`, `bulkhead`. */
export const subgraphResilienceKeys = {
  circuitBreaker: z
    .strictObject(circuitBreakerKeys)
    .partial()
    .optional()
    .describe("This subgraph's circuit breaker: keys of `upstream.circuitBreaker` that differ"),
  retry: z
    .strictObject(retryKeys)
    .partial()
    .optional()
    .describe("This subgraph's retries: keys of `upstream.retry` that differ"),
  bulkhead: z
    .strictObject(bulkheadKeys)
    .partial()
    .optional()
    .describe("This subgraph's bulkhead: keys of `upstream.bulkhead` that differ"),
};

export const deadlineSchema = z
  .strictObject({
    timeout: duration(
      'Deadline of a whole request: its subgraph calls get what is left of it as their timeout, and none is sent past it',
    ).default(30_000),
    header: z
      .union([z.string().regex(HEADER_NAME, 'is not a valid HTTP header name'), z.literal(false)], {
        error: (issue) => `must be a header name, or false to read none; not ${JSON.stringify(issue.input)}`,
      })
      .default('x-request-timeout')
      .describe(
        'Client header with a shorter deadline for its request (milliseconds, or "500ms", "2s"); never longer than `timeout`. false: not read',
      ),
  })
  .describe('The deadline of each request, from its arrival');

export type CircuitBreakerConfig = z.output<typeof circuitBreakerSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
export type BulkheadConfig = z.output<typeof bulkheadSchema>;
export type DeadlineConfig = z.output<typeof deadlineSchema>;
