/**
 * CSRF prevention (stage: request). A browser sends a POST cross-site without asking first (no
 * CORS preflight) only as `application/x-www-form-urlencoded`, `multipart/form-data` or
 * `text/plain`, with the user's cookies: executed, such a POST would let any web page run
 * mutations as the user, even though it cannot read the answer. So only POSTs of the media types
 * in `server.csrf.contentTypes` (`application/json` by default) are executed; multipart only
 * with `server.uploads`, and then only with one of `server.csrf.preflightHeaders` (a header a
 * page cannot add cross-site without a preflight). Any other media type is answered
 * UNSUPPORTED_MEDIA_TYPE (HTTP 415, as GraphQL over HTTP says), a multipart upload without the
 * header BAD_REQUEST (HTTP 400), both before the body is read. GET never runs a mutation (Yoga
 * refuses it: 405, BAD_REQUEST), but a query by GET still runs as the user when a browser sends
 * the credential by itself (`auth.token.cookie`), and its side effects (cost, rate limits, logs)
 * are the attacker's to cause: so with `cookieCredentials`, a GET that carries an operation and a
 * `Cookie` header needs one of the preflight headers too (BAD_REQUEST, 400, as Apollo Server and
 * Yoga's plugin do). A GET without cookies carries no credential a page could ride on (a page
 * cannot make the browser add `Authorization` cross-site without a preflight): it needs none.
 * GraphiQL's page is a GET without an operation, and its requests are JSON POSTs: unaffected.
 *
 * Its `onRequest` lets every POST of `application/json` through untouched: the room says so
 * (`Room.passesJsonPosts`), so the JSON fast path stays on.
 */
import type { Plugin } from 'graphql-yoga';
import { type ErrorCode, ErrorCodes, gatewayError } from '../../core/errors.ts';

export interface CsrfOptions {
  /** Media types of POST bodies that are executed. @default ['application/json', 'application/graphql-response+json'] */
  contentTypes: readonly string[];
  /** With `uploads`, a multipart POST needs one of these headers. @default ['graphql-preflight', 'apollo-require-preflight', 'x-graphql-yoga-csrf'] */
  preflightHeaders: readonly string[];
  /** Multipart uploads are accepted. @default false */
  uploads: boolean;
  /** A browser sends the credential by itself (`auth.token.cookie`): a GET operation with cookies needs a preflight header. @default false */
  cookieCredentials?: boolean;
}

/** Search parameters that make a GET an operation (GraphQL over HTTP, persisted documents). */
const OPERATION_PARAMS = ['query', 'documentId', 'extensions', 'operationName'];

export function useCsrfPrevention(options: CsrfOptions): Plugin {
  const allowed = new Set(options.contentTypes.map((type) => type.toLowerCase()));
  const preflightHeaders = options.preflightHeaders.map((name) => name.toLowerCase());
  const preflighted = (headers: Headers) => preflightHeaders.some((name) => (headers.get(name) ?? '') !== '');
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method === 'GET' && options.cookieCredentials === true) {
        if (
          !request.headers.has('cookie') ||
          preflighted(request.headers) ||
          !OPERATION_PARAMS.some((name) => url.searchParams.has(name))
        )
          return;
        const error = gatewayError(
          'BAD_REQUEST',
          `a GET operation with cookies needs one of the headers ${preflightHeaders.join(', ')} (CSRF prevention: the credential is a cookie)`,
        );
        endResponse(refusal(fetchAPI, error));
        return;
      }
      if (request.method !== 'POST') return;
      const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (allowed.has(mediaType)) return;
      if (mediaType === 'multipart/form-data' && options.uploads && preflighted(request.headers)) return;
      const error =
        mediaType === 'multipart/form-data' && options.uploads
          ? gatewayError(
              'BAD_REQUEST',
              `a multipart request needs one of the headers ${preflightHeaders.join(', ')} (CSRF prevention)`,
            )
          : gatewayError(
              'UNSUPPORTED_MEDIA_TYPE',
              `POST bodies of type ${JSON.stringify(mediaType)} are not executed${mediaType === 'multipart/form-data' ? ' (server.uploads is off)' : ''}; send ${[...allowed].join(' or ')}`,
            );
      endResponse(refusal(fetchAPI, error));
    },
  };
}

function refusal(fetchAPI: { Response: typeof Response }, error: ReturnType<typeof gatewayError>): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [error.toJSON()] }), {
    status: ErrorCodes[error.extensions.code as ErrorCode].status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}
