/**
 * The auth room's Yoga plugin (stage: request, through `onParams`, which runs on the JSON fast
 * path and on Yoga's path alike, before parsing or any other GraphQL work). A verified caller is
 * recorded with `setIdentity`; a credential that is present but invalid, or none where one is
 * required, ends the request with UNAUTHENTICATED (HTTP 401 and `WWW-Authenticate`); one the
 * identity provider could not be asked about, with AUTH_PROVIDER_UNAVAILABLE (HTTP 503 and
 * `Retry-After`), never as anonymous. Both through `endRequest`, so no later `onParams` hook
 * replaces the answer or acts on the request. GraphiQL's
 * page and the health endpoints answer before `onParams`, so they need no credential.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';
import { setIdentity } from '../../core/identity.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import type { Logger } from '../logger/index.ts';
import type { Authenticate, Outcome } from './authenticate.ts';

export interface AuthPluginOptions {
  authenticate: Authenticate;
  required: boolean;
  realm: string;
  logger: Logger;
}

type OnParamsHook = Parameters<NonNullable<Plugin['onParams']>>[0];

export function useAuthPlugin(options: AuthPluginOptions): Plugin {
  const { authenticate, required, realm, logger } = options;
  // RFC 6750 §3: no error code when the request had no credential; `invalid_token` when it had a bad one.
  // The config check keeps `"`, `\` and control characters out of the realm.
  const challenge = `Bearer realm="${realm}"`;
  const invalid = `${challenge}, error="invalid_token"`;
  /** What the request's outcome means for it (a closure made once, not per request). */
  const apply = (hook: OnParamsHook, outcome: Outcome) => {
    if (outcome.identity !== undefined) {
      setIdentity(hook.request, outcome.identity);
    } else if (outcome.unavailable !== undefined) {
      logger.debug('auth: the identity provider could not be asked', {
        reason: outcome.unavailable.message,
      });
      endRequest(hook, providerUnavailable(outcome.unavailable.retryAfter));
    } else if (outcome.failure !== undefined) {
      logger.debug('auth: credential refused', { reason: outcome.failure.message });
      endRequest(hook, unauthenticated('Invalid credentials', invalid));
    } else if (required) {
      endRequest(hook, unauthenticated('Authentication required', challenge));
    }
  };
  return {
    onParams(hook) {
      if (isRequestEnded(hook.request)) return;
      const outcome = authenticate(hook.request.headers);
      // A JWT with a known key, or one cached: answered at once, the request goes on at once.
      if (outcome instanceof Promise) return outcome.then((settled) => apply(hook, settled));
      apply(hook, outcome);
    },
  };
}

function unauthenticated(message: string, wwwAuthenticate: string): ExecutionResult {
  const error = gatewayError('UNAUTHENTICATED', message, {
    extensions: { http: { status: 401, headers: { 'WWW-Authenticate': wwwAuthenticate } } },
  });
  return { errors: [error] };
}

function providerUnavailable(retryAfter: number): ExecutionResult {
  const error = gatewayError('AUTH_PROVIDER_UNAVAILABLE', 'The credential cannot be verified now', {
    extensions: { http: { status: 503, headers: { 'Retry-After': String(retryAfter) } } },
  });
  return { errors: [error] };
}
