/**
 * The pooled upstream HTTP client (stage: subgraph). Every call to every backend, whatever its
 * kind, goes through one of these: an undici `Agent` keeps one keep-alive pool per origin with a
 * connection limit, and each request has an end-to-end deadline on top of undici's connect,
 * headers and body timeouts. Bodies are read within one budget of bytes in flight for the whole
 * client (`body-budget.ts`). Failures become catalogue errors carrying the service name.
 */
import { Agent } from 'undici';
import { deadlineOf, isClientDeadline, markDeadlineError } from '../../core/deadline.ts';
import { DEFAULT_MAX_BODY_BYTES_IN_FLIGHT } from '../../core/defaults.ts';
import { gatewayError } from '../../core/errors.ts';
import {
  composeInterceptors,
  type HttpInterceptor,
  type SendRequest,
  type UpstreamClient,
} from '../../core/http-client.ts';
import type { UpstreamConfig } from '../config/index.ts';
import type { Logger } from '../logger/index.ts';
import { type BodyBudgetUsage, createBodyBudget } from './body-budget.ts';
import { toUpstreamError } from './errors.ts';
import { createFailureLog } from './failure-log.ts';
import { declaredLength, readBody } from './read-body.ts';

export type {
  HttpInterceptor,
  SendRequest,
  UpstreamClient,
  UpstreamRequest,
  UpstreamResponse,
} from '../../core/http-client.ts';
export type { BodyBudgetUsage } from './body-budget.ts';
export { toUpstreamError } from './errors.ts';

export type UpstreamClientOptions = Pick<
  UpstreamConfig,
  | 'connections'
  | 'pipelining'
  | 'connectTimeout'
  | 'headersTimeout'
  | 'bodyTimeout'
  | 'keepAliveTimeout'
  | 'requestTimeout'
  | 'maxResponseSize'
> &
  Partial<Pick<UpstreamConfig, 'maxBodyBytesInFlight'>>;

/** The pooled client, with its body budget in view for diagnostics and tests. */
export interface PooledUpstreamClient extends UpstreamClient {
  /** The bytes of upstream bodies being read now, and the most there were at once. */
  readonly bodyBudget: BodyBudgetUsage;
}

/**
 * Creates the pooled client. One per gateway; pools are per origin inside it. Failures are
 * reported to `logger` (throttled), except those of requests whose caller went away. Every
 * request passes `interceptors` (first is outermost) before it reaches the pool.
 */
export function createUpstreamClient(
  options: UpstreamClientOptions,
  logger?: Logger,
  interceptors: readonly HttpInterceptor[] = [],
): PooledUpstreamClient {
  const failures = logger ? createFailureLog(logger) : undefined;
  const budget = createBodyBudget(options.maxBodyBytesInFlight ?? DEFAULT_MAX_BODY_BYTES_IN_FLIGHT);
  const agent = new Agent({
    connections: options.connections,
    pipelining: options.pipelining,
    connect: { timeout: options.connectTimeout },
    headersTimeout: options.headersTimeout,
    bodyTimeout: options.bodyTimeout,
    keepAliveTimeout: options.keepAliveTimeout,
    // A broken or hostile upstream must not be able to fill the gateway's memory.
    maxResponseSize: options.maxResponseSize,
  });

  let closing: Promise<void> | undefined;
  const send: SendRequest = async function sendOverPool(request) {
    // Its own timeout, or what is left of its request's deadline when that comes first.
    const own = request.timeout ?? options.requestTimeout;
    const deadline = deadlineOf(request.signal);
    const left = deadline === undefined ? own : deadline - Date.now();
    const byDeadline = left < own;
    if (left <= 0) {
      throw markDeadlineError(
        gatewayError(
          'GATEWAY_TIMEOUT',
          `The request's deadline passed before ${request.serviceName} was called`,
          {
            serviceName: request.serviceName,
          },
        ),
      );
    }
    const timeout = byDeadline ? Math.ceil(left) : own;
    let url: URL;
    try {
      url = typeof request.url === 'string' ? new URL(request.url) : request.url;
    } catch (cause) {
      // A subgraph URL that does not parse (a supergraph file or an override gone wrong).
      failures?.report(
        request.serviceName,
        'SUBGRAPH_UNAVAILABLE',
        `${request.serviceName} has an invalid URL`,
      );
      throw gatewayError('SUBGRAPH_UNAVAILABLE', `${request.serviceName} has an invalid URL`, {
        serviceName: request.serviceName,
        cause,
      });
    }
    // One controller per request, fed by the deadline and by the caller's signal. Listening to
    // the caller's signal (rather than AbortSignal.any) works with any EventTarget-like signal,
    // such as the one the HTTP server adapter builds, and lets go of it when the request ends.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const onAbort = () => controller.abort();
    const callerSignal = request.signal;
    if (callerSignal?.aborted) onAbort();
    else callerSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: (request.method ?? 'GET') as 'GET',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      const expected = declaredLength(request.method, response.statusCode, response.headers);
      const body = await readBody(response.body, budget, expected, request.serviceName);
      return { status: response.statusCode, headers: response.headers, body };
    } catch (cause) {
      const error = toUpstreamError(cause, request.serviceName, timedOut ? timeout : undefined);
      // Cut by a deadline its client asked for: nothing to say of the backend (breakers,
      // retries, outlier ejection leave it). One cut by the gateway's own deadline was too slow.
      if (timedOut && byDeadline && isClientDeadline(callerSignal)) markDeadlineError(error);
      if (!callerSignal?.aborted)
        failures?.report(request.serviceName, String(error.extensions.code), error.message, cause);
      throw error;
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    }
  };
  return {
    request: composeInterceptors(interceptors, send),
    close: () => (closing ??= agent.close()),
    bodyBudget: budget,
  };
}
