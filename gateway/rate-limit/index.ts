/**
 * Rate limits (stages: request, operation, subgraph, response).
 *
 * - request (`onParams`, on the JSON fast path and Yoga's alike; after auth, which records the
 *   caller): every limit of `rateLimit.limits` that spends a fixed cost is checked for the
 *   request, in one call to the store (one round trip to Redis); when one is spent, the request
 *   ends with RATE_LIMITED, HTTP 429 and `Retry-After`, before any GraphQL work. A limit that
 *   refused spends nothing; the others that admitted the request keep their spend.
 * - operation (`onExecute`; after demand control): the limits with `cost: operation` spend the
 *   operation's estimated cost, the same way.
 * - response (`onExecutionResult`): `RateLimit-Policy` and `RateLimit` on every response a limit
 *   applied to (`rateLimit.headers`).
 * - subgraph: the calls to a subgraph of `rateLimit.subgraphs` spend its limit (subgraph-limits.ts).
 * - fields (schema, operation): `@rateLimit` and `subgraphs[].rateLimits` (field-limits.ts), a
 *   gate the field-policies room consults once it has judged the operation's policies.
 *
 * The store is the memory one, or the Redis one behind its fail modes (guarded-store.ts), as
 * `rateLimit.store` says (stores.ts): the composition root hands over the Redis connection only.
 */
import type { IncomingMessage } from 'node:http';
import { identityOf, requestOf } from '../../core/identity.ts';
import type { ListSizeEstimate } from '../../core/operation-cost.ts';
import { operationCostOf } from '../../core/operation-cost.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import { withResponseHeaders } from '../../core/response-headers.ts';
import type { TelemetryEvents } from '../../core/telemetry.ts';
import type { RateLimitConfig, SubgraphFieldLimitsConfig } from '../config/rate-limit-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { RedisConnection } from '../redis/index.ts';
import type { Room } from '../room.ts';
import { applyLimits } from './apply.ts';
import { createClientAddress } from './client-ip.ts';
import { createFieldLimits, type FieldLimits } from './field-limits.ts';
import { createGuardedStore } from './guarded-store.ts';
import { type Applied, rateLimitHeaders } from './headers.ts';
import type { KeyInput } from './keys.ts';
import { resolveRequestLimit } from './request-limits.ts';
import { createRateLimitStores } from './stores.ts';
import { subgraphLimit } from './subgraph-limits.ts';

export type { RateLimitConfig } from '../config/rate-limit-schema.ts';
export type { RateLimitStore } from './store/types.ts';

export interface RateLimitsOptions {
  config: RateLimitConfig;
  /** The shared Redis connection, for `rateLimit.store: redis` (the room builds its stores). */
  redis?: RedisConnection;
  logger: Logger;
  /** Each subgraph's `rateLimits` (field limits by coordinate), by subgraph name. */
  subgraphFieldLimits?: ReadonlyMap<string, SubgraphFieldLimitsConfig>;
  /** Sizes lists for field limits with `countListItems` (demand control's estimate). */
  listSize?: ListSizeEstimate;
  /** Told each decision of a request, operation or subgraph limit (metrics). @default undefined */
  events?: TelemetryEvents;
}

/**
 * Three rooms sharing one store, for three places in the list: `request` after auth, `operation`
 * after demand control (it reads the operation's cost), `subgraphs` inside dedup (each upstream
 * call once), the last two only when a limit needs them. The store closes with `request`.
 */
export interface RateLimits {
  request: Room;
  /** Undefined when no limit spends the operation's cost (the room is then left out). */
  operation: Room | undefined;
  /** Undefined when no subgraph has a limit. */
  subgraphs: Room | undefined;
  /** Field limits: their index per schema, and the gate the field-policies room consults. */
  fields: FieldLimits;
}

export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { config, logger } = options;
  const store = createGuardedStore({ ...createRateLimitStores(config, options.redis), logger });
  const limits = config.limits.map(resolveRequestLimit);
  const perRequest = limits.filter((l) => !l.byCost);
  const perOperation = limits.filter((l) => l.byCost);
  const clientAddress = createClientAddress(config);
  // Each request's answers, until its response (every round adds to them).
  const applied = new WeakMap<Request, readonly Applied[]>();
  const record = (request: Request, answers: readonly Applied[]): readonly Applied[] => {
    const before = applied.get(request);
    const all = before === undefined ? answers : [...before, ...answers];
    if (config.headers) applied.set(request, all);
    return all;
  };
  const applyOptions = { store, headers: config.headers, record, events: options.events };
  // The key input of a request, made once: both rounds (request, operation) use it.
  const inputs = new WeakMap<Request, KeyInput>();
  const inputOf = (request: Request, req: IncomingMessage | undefined): KeyInput => {
    let input = inputs.get(request);
    if (input === undefined) {
      input = {
        identity: identityOf(request),
        address: clientAddress({
          remoteAddress: req?.socket?.remoteAddress,
          forwardedFor: request.headers.get('x-forwarded-for'),
        }),
        headers: request.headers,
      };
      inputs.set(request, input);
    }
    return input;
  };

  const request: Room = {
    name: 'rate-limits',
    plugin: {
      onParams(hook) {
        const { request, context } = hook;
        // A request another room ended (auth's 401) is not counted.
        if (perRequest.length === 0 || isRequestEnded(request)) return;
        const input = inputOf(request, (context as { req?: IncomingMessage }).req);
        return applyLimits(request, perRequest, input, applyOptions).then((refusal) => {
          if (refusal !== undefined) endRequest(hook, refusal);
        });
      },
      onExecutionResult({ request, result, setResult }) {
        const answers = applied.get(request);
        if (answers === undefined) return;
        const withHeaders = withResponseHeaders(result, rateLimitHeaders(answers));
        if (withHeaders !== undefined) setResult(withHeaders);
      },
    },
  };

  const operation: Room = {
    name: 'rate-limits-cost',
    plugin: {
      onExecute({ args, setResultAndStopExecution }) {
        if (perOperation.length === 0) return;
        const client = requestOf(args.contextValue);
        if (client === undefined) return;
        const req = (args.contextValue as { req?: IncomingMessage }).req;
        const cost = operationCostOf(client) ?? 1;
        return applyLimits(client, perOperation, inputOf(client, req), applyOptions, cost).then((refusal) => {
          if (refusal !== undefined) setResultAndStopExecution(refusal);
        });
      },
    },
  };

  const subgraphLimits = new Map(
    Object.entries(config.subgraphs).map(([name, limit]) => [
      name,
      subgraphLimit(name, limit, store, options.events),
    ]),
  );
  const fields = createFieldLimits({
    config: config.fields,
    subgraphs: options.subgraphFieldLimits ?? new Map(),
    store,
    inputOf: (request, context) => inputOf(request, (context as { req?: IncomingMessage } | undefined)?.req),
    record,
    headers: config.headers,
    listSize: options.listSize,
  });
  return {
    // Always in the list: field limits may come with any schema, and their headers with it.
    request: { ...request, close: () => store.close() },
    operation: perOperation.length > 0 ? operation : undefined,
    fields,
    subgraphs:
      subgraphLimits.size > 0
        ? {
            name: 'rate-limits-subgraphs',
            subgraph: ({ name }) => subgraphLimits.get(name) ?? ((next) => next),
          }
        : undefined,
  };
}
