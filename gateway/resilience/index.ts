/**
 * Resilience (stages: request and HTTP): what keeps the gateway's promises when backends misbehave.
 *
 * - `deadlineRoom` (request stage): each request's deadline (`deadline`), from its arrival.
 * - `room` (HTTP stage, outer): retries within the deadline and the budget, then the subgraph's
 *   bulkhead. The pooled client cuts each attempt's timeout to what is left of the deadline.
 * - `breakerRoom` (HTTP stage, inner, after load balancing has picked the URL): the circuit
 *   breaker of the call's subgraph and origin.
 *
 * Every step acts on the pooled client's calls, so federation subgraphs, REST APIs and plain
 * GraphQL services get the same treatment. Settings: `upstream.*`, overridden per subgraph.
 */
import type { HttpInterceptor } from '../../core/http-client.ts';
import type { GatehouseConfig } from '../config/index.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { type Breakers, createBreakers } from './breakers.ts';
import { createBulkheads } from './bulkhead.ts';
import { useDeadline } from './deadline.ts';
import { createRetries } from './retry.ts';
import { resilienceSettings } from './settings.ts';

export interface Resilience {
  deadlineRoom: Room;
  room: Room;
  breakerRoom: Room;
  /** Whether a breaker refuses (for load balancing), and each one's state (for `/readyz`). */
  breakers: Breakers;
}

export function createResilience(
  config: Pick<GatehouseConfig, 'upstream' | 'subgraphs' | 'deadline'>,
  logger: Logger,
): Resilience {
  const settings = resilienceSettings(config.upstream, config.subgraphs);
  const breakers = createBreakers(settings, logger);
  const retry = createRetries(settings);
  const bulkhead = createBulkheads(settings, config.upstream.requestTimeout);
  const outer: HttpInterceptor = (next) => retry(bulkhead(next));
  return {
    deadlineRoom: { name: 'deadline', plugin: useDeadline(config.deadline) },
    room: { name: 'resilience', http: outer },
    breakerRoom: { name: 'circuit-breaker', http: breakers.interceptor },
    breakers,
  };
}
