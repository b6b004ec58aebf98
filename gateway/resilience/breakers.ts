/**
 * The circuit breakers (stage: HTTP, the pooled client's interceptors): one per subgraph and
 * origin, so a federation subgraph has one per URL it is called at, and a REST API or a plain
 * GraphQL service one for the origin its calls go to. Only calls of kind `operation` pass through
 * them: schema loads and readiness probes are never refused nor counted. State is per replica;
 * every change is logged and counted.
 */
import { errorOutcome, statusOutcome } from '../../core/call-outcome.ts';
import { gatewayError } from '../../core/errors.ts';
import type { HttpInterceptor, UpstreamRequest } from '../../core/http-client.ts';
import type { CircuitBreakerStatus } from '../../core/readiness.ts';
import type { Logger } from '../logger/index.ts';
import { type BreakerTransition, CircuitBreaker } from './breaker.ts';
import type { ResilienceSettings } from './settings.ts';

export interface Breakers {
  interceptor: HttpInterceptor;
  /** True when calls of `serviceName` to `origin` are refused now (a load balancer skips it). */
  isOpen(serviceName: string, origin: string): boolean;
  snapshot(): CircuitBreakerStatus[];
}

const now = () => performance.now();

export function createBreakers(settings: ResilienceSettings, logger: Logger): Breakers {
  // Per subgraph, then per origin: two lookups, no key built per call.
  const breakers = new Map<string, Map<string, CircuitBreaker | null>>();

  const breakerOf = (serviceName: string, origin: string): CircuitBreaker | undefined => {
    let ofService = breakers.get(serviceName);
    if (ofService === undefined) {
      ofService = new Map();
      breakers.set(serviceName, ofService);
    }
    let breaker = ofService.get(origin);
    if (breaker === undefined) {
      const config = settings(serviceName).circuitBreaker;
      breaker = config.enabled
        ? new CircuitBreaker(config, (change) => logTransition(logger, serviceName, origin, change))
        : null;
      ofService.set(origin, breaker);
    }
    return breaker ?? undefined;
  };

  const interceptor: HttpInterceptor = (next) =>
    async function circuitBreaker(request) {
      if (request.kind !== undefined && request.kind !== 'operation') return next(request);
      const origin = originOf(request.url);
      const breaker = breakerOf(request.serviceName, origin);
      if (breaker === undefined) return next(request);
      const ticket = breaker.admit(now());
      if (ticket === undefined) throw refusal(request, origin, breaker);
      let response: Awaited<ReturnType<typeof next>>;
      try {
        response = await next(request);
      } catch (error) {
        // An end that says nothing of the backend is forgotten, unless the call was slow by then.
        if (errorOutcome(error, request.signal) === 'unknown') breaker.release(ticket, now());
        else breaker.settle(ticket, true, now());
        throw error;
      }
      breaker.settle(ticket, statusOutcome(response.status) === 'failed', now());
      return response;
    };

  return {
    interceptor,
    isOpen: (serviceName, origin) => breakers.get(serviceName)?.get(origin)?.refuses(now()) ?? false,
    snapshot: () => {
      const at = now();
      return [...breakers].flatMap(([serviceName, ofService]) =>
        [...ofService].flatMap(([origin, breaker]) =>
          breaker === null
            ? []
            : [{ serviceName, origin, state: breaker.stateAt(at), opened: breaker.opened }],
        ),
      );
    },
  };
}

function refusal(request: UpstreamRequest, origin: string, breaker: CircuitBreaker) {
  const wait = breaker.retryIn(now());
  return gatewayError(
    'SUBGRAPH_CIRCUIT_OPEN',
    `${request.serviceName} is failing (circuit breaker open at ${origin}): not called`,
    { serviceName: request.serviceName, extensions: { retryAfter: Math.max(1, Math.ceil(wait / 1000)) } },
  );
}

function logTransition(logger: Logger, serviceName: string, origin: string, change: BreakerTransition): void {
  const where = `circuit breaker of ${serviceName} (${origin})`;
  if (change.to === 'open') {
    const why =
      change.from === 'half-open'
        ? 'a probe failed'
        : `of ${change.calls} calls, ${change.failures} failed and ${change.slow} were slow or hung`;
    logger.warn(`${where} opened: ${why}; its calls fail at once for ${change.openFor} ms`);
  } else if (change.to === 'half-open') {
    logger.info(`${where} half-open: probe calls pass`);
  } else {
    logger.info(`${where} closed: the probes succeeded`);
  }
}

/** `scheme://host:port` of a URL, without parsing it (this runs on every call). */
export function originOf(url: string | URL): string {
  if (typeof url !== 'string') return url.origin;
  const slashes = url.indexOf('//');
  const end = url.indexOf('/', slashes + 2);
  return end === -1 ? url : url.slice(0, end);
}
