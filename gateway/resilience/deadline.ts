/**
 * The deadline of a request (stage: request; used at the HTTP stage). It starts when the request's
 * parameters are read: `deadline.timeout`, or less when the client asks for less in the
 * `deadline.header` header (`x-request-timeout: 800`, or `"800ms"`, `"2s"`). Every upstream call
 * the request makes then gets what is left of it as its timeout, and none is sent once it has
 * passed (GATEWAY_TIMEOUT, without a call).
 *
 * It is kept by the client request's abort signal, which every kind of backend passes to the HTTP
 * client (`clientSignal`): the HTTP interceptors find it there, whatever engine made the call.
 */
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/http-client.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import { durationMs } from '../config/duration.ts';
import type { DeadlineConfig } from '../config/resilience-schema.ts';

const deadlines = new WeakMap<object, number>();
// Upstream requests whose timeout is what was left of their request's deadline.
const cutByDeadline = new WeakSet<UpstreamRequest>();

/** The epoch milliseconds by which the request whose signal this is must be answered. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal === undefined ? undefined : deadlines.get(signal);
}

/** True when `request` timed out because its request's deadline came first (not its own timeout). */
export function wasCutByDeadline(request: UpstreamRequest): boolean {
  return cutByDeadline.has(request);
}

/** The plugin that sets each request's deadline. */
export function useDeadline(config: DeadlineConfig): Plugin {
  const header = config.header === false ? undefined : config.header.toLowerCase();
  return {
    onParams(hook) {
      const { request } = hook;
      if (isRequestEnded(request)) return;
      let timeout = config.timeout;
      const asked = header === undefined ? null : request.headers.get(header);
      if (asked !== null) {
        const ms = durationMs(/^\d+$/.test(asked.trim()) ? Number(asked.trim()) : asked.trim());
        if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
          endRequest(hook, {
            errors: [
              gatewayError(
                'BAD_REQUEST',
                `The ${header} header must be a number of milliseconds ("800") or a duration ("800ms", "2s")`,
              ),
            ],
          });
          return;
        }
        timeout = Math.min(timeout, ms);
      }
      deadlines.set(request.signal, Date.now() + timeout);
    },
  };
}

/**
 * The HTTP step that applies the deadline to one call: refused when it has passed, its timeout cut
 * to what is left. `defaultTimeout` is the client's own (`upstream.requestTimeout`).
 */
export function withDeadline(request: UpstreamRequest, defaultTimeout: number, now: number): UpstreamRequest {
  const deadline = deadlineOf(request.signal);
  if (deadline === undefined) return request;
  const left = deadline - now;
  if (left <= 0) {
    throw gatewayError(
      'GATEWAY_TIMEOUT',
      `The request's deadline passed before ${request.serviceName} was called`,
      {
        serviceName: request.serviceName,
      },
    );
  }
  if (left >= (request.timeout ?? defaultTimeout)) return request;
  const cut = { ...request, timeout: Math.ceil(left) };
  cutByDeadline.add(cut);
  return cut;
}
