/**
 * Load shedding by priority (stages: request, response).
 *
 * - request (`onParams`, on the JSON fast path and Yoga's alike; after auth, which records the
 *   caller, and before the rate limits): the request gets a priority class (classes.ts) and is
 *   admitted while the requests in flight are under its class's share of the concurrency limit
 *   (gate.ts; the limit is fixed, or adaptive: limiter.ts). Else it is shed: it ends with
 *   GATEWAY_OVERLOADED, HTTP 503 and `Retry-After`, before any GraphQL work. Classes never shed
 *   (`critical`) always enter. Health and readiness are answered before this stage and never
 *   count.
 * - response: an admitted request holds its slot until its answer is done: until the node
 *   response closes (written, or the client gone), whatever happened on the way (refused by a
 *   later room, an error, a stream). In process (`yoga.fetch`, no node response) the slot is
 *   given back with the result (`onExecutionResult`), or with the response (`onResponse`) when no
 *   result came. The adaptive limit judges by latency alone: a GATEWAY_TIMEOUT may be the
 *   client's own short deadline, which says nothing of the gateway's load.
 *
 * Limit changes are logged at debug; shed requests at warn, at most once a second (shed-log.ts).
 */
import type { ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import { identityOf } from '../../core/identity.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import type { TelemetryEvents } from '../../core/telemetry.ts';
import type { LoadSheddingConfig } from '../config/load-shedding-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { type Classes, createClasses, operationNameOf, type PriorityClass } from './classes.ts';
import { createGate, type Slot } from './gate.ts';
import { createAimdLimiter } from './limiter.ts';
import { createShedLog } from './shed-log.ts';

export type { LoadSheddingConfig } from '../config/load-shedding-schema.ts';

/** What the room needs besides its config. */
export interface LoadSheddingOptions {
  logger: Logger;
  /** Told each decision (metrics). @default undefined */
  events?: TelemetryEvents;
}

/** An admitted request: its slot, and what its results said so far. */
interface Held {
  slot: Slot;
  /** Released when the node response closes (else with each result, in process). */
  byResponse: boolean;
  /** Operations of the request (a batch has several) whose result has not come yet. */
  pending: number;
}

type Decision = Held | { refusal: ExecutionResult };

/** The load-shedding room; undefined when `loadShedding.enabled` is false. */
export function createLoadShedding(
  config: LoadSheddingConfig,
  options: LoadSheddingOptions,
): Room | undefined {
  if (!config.enabled) return undefined;
  const { logger } = options;
  const classes = createClasses(config);
  warnClaimableClasses(config.rules, classes, logger);
  const limiter = createAimdLimiter({
    ...config.limit,
    latencyTarget: config.latencyTarget,
    backoff: config.backoff,
    onChange: (limit, previous, reason) =>
      logger.debug(`load shedding: concurrency limit ${previous} -> ${limit} (${reason})`),
  });
  const gate = createGate(limiter);
  const shedLog = createShedLog(logger);
  const retryAfter = Math.max(1, Math.ceil(config.retryAfter / 1000));
  const clientNameOf = (headers: Headers): string | undefined => {
    for (const name of config.clientNameHeaders) {
      const value = headers.get(name);
      if (value) return value;
    }
    return undefined;
  };
  // Per request: its slot, or its refusal (every operation of a batch gets the same answer).
  const decisions = new WeakMap<Request, Decision>();

  const shed = (priority: PriorityClass): ExecutionResult => {
    shedLog.shed(priority.name, { inFlight: gate.inFlight, limit: limiter.limit });
    return { errors: [overloaded(retryAfter)] };
  };

  return {
    name: 'load-shedding',
    plugin: {
      onParams(hook) {
        const { request, params, context } = hook;
        const known = decisions.get(request);
        if (known !== undefined) {
          // Another operation of the same batch: one HTTP request, one slot (or one refusal).
          if ('refusal' in known) endRequest(hook, known.refusal);
          else known.pending++;
          return;
        }
        // A request another room ended (auth's 401) is neither counted nor shed.
        if (isRequestEnded(request)) return;
        const priority = classes.classOf({
          operationName: operationNameOf(params),
          clientName: clientNameOf(request.headers),
          identity: identityOf(request),
        });
        const slot = gate.admit(priority);
        options.events?.loadShedding?.(priority.name, slot !== undefined);
        if (slot === undefined) {
          const refusal = shed(priority);
          decisions.set(request, { refusal });
          endRequest(hook, refusal);
          return;
        }
        const res = (context as { res?: ServerResponse }).res;
        const byResponse = typeof res?.once === 'function';
        const held: Held = { slot, byResponse, pending: 1 };
        decisions.set(request, held);
        if (byResponse) releaseOnClose(res!, held);
      },
      onExecutionResult({ request }) {
        const held = decisions.get(request);
        if (held === undefined || 'refusal' in held) return;
        if (held.byResponse || --held.pending > 0) return;
        held.slot.release({});
      },
      // Yoga's path without a node response (in process, other adapters): whatever happened on the
      // way (a later room or Yoga's own parameter check threw, and no result came), the response
      // is made; the slot is given back then at the latest. Releasing twice does nothing.
      onResponse({ request }) {
        const held = decisions.get(request);
        if (held !== undefined && !('refusal' in held) && !held.byResponse) held.slot.release({});
      },
    },
    // Its `onResponse` is for requests without a node response; the fast path always has one.
    passesJsonPosts: true,
    close: () => shedLog.close(),
  };
}

/** Gives the slot back once the response is closed: written, or its client gone. */
function releaseOnClose(res: ServerResponse, held: Held): void {
  // Already closed (the client left while the body was read): nothing will be written.
  if (res.destroyed || res.writableFinished) {
    held.slot.release({ abandoned: !res.writableFinished });
    return;
  }
  res.once('close', () => held.slot.release({ abandoned: !res.writableFinished }));
}

/** The error of a shed request: 503, `Retry-After`. */
function overloaded(retryAfter: number) {
  return gatewayError('GATEWAY_OVERLOADED', 'the gateway is overloaded; try again later', {
    extensions: {
      retryAfter,
      http: { status: 503, headers: { 'Retry-After': String(retryAfter) } },
    },
  });
}

/**
 * Warns of rules that give a class never shed by what the client says of itself alone (its
 * operation or client name): any client can claim it and push everyone else out.
 */
function warnClaimableClasses(rules: LoadSheddingConfig['rules'], classes: Classes, logger: Logger): void {
  const neverShed = new Set(
    classes.all.filter((c) => c.share === Number.POSITIVE_INFINITY).map((c) => c.name),
  );
  for (const [index, rule] of rules.entries()) {
    const verified = rule.plan !== undefined || rule.tenant !== undefined || rule.claim !== undefined;
    if (neverShed.has(rule.class) && !verified) {
      logger.warn(
        `loadShedding.rules[${index}] gives "${rule.class}" (never shed) by the operation or client name alone: any client can claim it; add a plan, tenant or claim condition`,
      );
    }
  }
}
