/**
 * What rooms tell the gateway's telemetry (metrics): a cache lookup's outcome, a rate limit's
 * decision, a load-shedding decision. Each room takes an optional `events` sink (one per gateway,
 * so two gateways in one process never count each other's events) and calls it where it decides;
 * with metrics off there is no sink, and the cost is one `undefined` check. A leaf: it imports
 * nothing, so every room may depend on it.
 */

/**
 * Which cache answered (or not): the response cache; the entity cache of the subgraph stage, for
 * entities (`entity`, one lookup per entity) or for root-field calls kept whole (`root`).
 */
export type CacheKind = 'response' | 'entity' | 'root';

/**
 * `hit`: fresh, served; `stale`: past its maxAge, served (while refreshed, or standing in for a
 * failed backend); `miss`: not kept (or too old), run.
 */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

/** Where a rate limit was checked: whole requests, operation costs, subgraph calls, fields. */
export type RateLimitScope = 'request' | 'operation' | 'subgraph' | 'field';

/** The events rooms report; every method optional, a room calls only those it has. */
export interface TelemetryEvents {
  /** One lookup of one cache; `count` entries with the same outcome (an `_entities` call's). */
  cacheLookup?(cache: CacheKind, outcome: CacheOutcome, count?: number): void;
  /** One decision of the limit named `limit` (a config name, or `subgraph:<name>`). */
  rateLimit?(limit: string, scope: RateLimitScope, allowed: boolean): void;
  /** A request of priority class `priorityClass` admitted or shed by load shedding. */
  loadShedding?(priorityClass: string, admitted: boolean): void;
}
