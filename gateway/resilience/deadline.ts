/**
 * The deadline of each request (stage: request). It starts when the request's parameters are read,
 * before authentication: `deadline.timeout`, or less when the client asks for less in the
 * `deadline.header` header (`x-request-timeout: 800`, or `"800ms"`, `"2s"`); a header can never
 * lengthen it. It is kept by the client request's signal (core/deadline.ts), where the HTTP
 * client reads it: each upstream call's timeout is cut to what is left, and none is sent once it
 * has passed. Dedup lets each caller of a shared call leave at its own deadline.
 */
import type { Plugin } from 'graphql-yoga';
import { setDeadline } from '../../core/deadline.ts';
import { gatewayError } from '../../core/errors.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import { durationMs } from '../config/duration.ts';
import type { DeadlineConfig } from '../config/resilience-schema.ts';

/** The plugin that sets each request's deadline. */
export function useDeadline(config: DeadlineConfig): Plugin {
  const header = config.header === false ? undefined : config.header.toLowerCase();
  return {
    onParams(hook) {
      const { request } = hook;
      if (isRequestEnded(request)) return;
      let timeout = config.timeout;
      let shortened = false;
      const asked = header === undefined ? null : request.headers.get(header);
      if (asked !== null) {
        const ms = askedMs(asked);
        if (ms === undefined) {
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
        shortened = ms < timeout;
        timeout = Math.min(timeout, ms);
      }
      // A batch's operations share their request's deadline: the first one sets it.
      setDeadline(request.signal, Date.now() + timeout, shortened);
    },
  };
}

/** The milliseconds a deadline header asks for, or undefined when it is not a positive duration. */
function askedMs(value: string): number | undefined {
  const text = value.trim();
  const ms = durationMs(/^\d+$/.test(text) ? Number(text) : text);
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
