/**
 * One REST call through the pooled client (never `fetch`), and what its answer means for GraphQL:
 * HTTP errors become REST_HTTP_ERROR (or "not found" where the caller accepts it), a body that is
 * not JSON becomes SUBGRAPH_BAD_RESPONSE. Unreachable and timeout come from the client already.
 */
import { gatewayError } from '../../core/errors.ts';
import type { UpstreamClient } from '../../core/http-client.ts';
import { parseRestJson } from './json.ts';
import type { HttpMethod } from './model.ts';

/** The REST API a subgraph talks to. */
export interface RestTarget {
  serviceName: string;
  /** Base URL; paths are appended to it (`http://api/v1` + `/users` = `http://api/v1/users`). */
  baseUrl: string;
  client: UpstreamClient;
  /** Deadline per call in milliseconds. @default upstream.requestTimeout */
  timeout?: number;
  /** Headers sent with every call. */
  headers: Readonly<Record<string, string>>;
  /**
   * Read integers past 2^53 in answers as their digits (Node 21 and later; see json.ts). Set by
   * `buildRestSubgraph` when the SDL declares `scalar BigInt`. @default false
   */
  exactIntegers?: boolean;
}

/** One call, rendered: everything but the base URL and the subgraph headers. */
export interface RestRequest {
  method: HttpMethod;
  /** Path below the base URL, already URL-encoded. */
  path: string;
  query: ReadonlyArray<readonly [string, string]>;
  headers: Readonly<Record<string, string>>;
  /** Sent as JSON when defined. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * The headers of the subgraph call this REST call is made for (header rules: `headersOfRoot`);
   * they win over the subgraph's and the mapping's headers. @default {}
   */
  callHeaders?: Readonly<Record<string, string>>;
}

/** The answer: `found: false` for a 404 the caller accepted; `value` undefined for an empty body. */
export type RestAnswer = { found: true; status: number; value: unknown } | { found: false; status: 404 };

/** Sends one call. With `acceptNotFound`, a 404 answers `{ found: false }` instead of throwing. */
export async function sendRest(
  target: RestTarget,
  request: RestRequest,
  acceptNotFound: boolean,
): Promise<RestAnswer> {
  const url = restUrl(target.baseUrl, request.path, request.query);
  // Names lower-cased, so that a later source replaces an earlier one whatever its case.
  const headers = lowerCased(
    { accept: 'application/json' },
    target.headers,
    request.headers,
    request.callHeaders,
  );
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const { serviceName } = target;
  const response = await target.client.request({
    serviceName,
    url,
    method: request.method,
    headers,
    body,
    timeout: target.timeout,
    signal: request.signal,
    kind: 'operation',
  });
  const what = `${request.method} ${request.path}`;
  if (response.status === 404 && acceptNotFound) return { found: false, status: 404 };
  // Only 2xx is an answer: undici does not follow redirects, and a 3xx (say, to a login page)
  // read as success would turn into `true` or `null` with no error.
  if (response.status < 200 || response.status >= 300) {
    throw gatewayError('REST_HTTP_ERROR', `${serviceName} answered HTTP ${response.status} to ${what}`, {
      serviceName,
      extensions: { upstreamStatus: response.status },
    });
  }
  if (response.body.trim() === '') return { found: true, status: response.status, value: undefined };
  try {
    return {
      found: true,
      status: response.status,
      value: parseRestJson(response.body, target.exactIntegers === true),
    };
  } catch (cause) {
    throw gatewayError(
      'SUBGRAPH_BAD_RESPONSE',
      `${serviceName} answered ${what} with a body that is not JSON`,
      {
        serviceName,
        cause,
        extensions: { upstreamStatus: response.status },
      },
    );
  }
}

/** The union of `sources`, names lower-cased; a later source wins. */
function lowerCased(...sources: Array<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    for (const [name, value] of Object.entries(source ?? {})) out[name.toLowerCase()] = value;
  }
  return out;
}

/** Joins base URL, path and query parameters. */
export function restUrl(baseUrl: string, path: string, query: RestRequest['query']): string {
  const base = baseUrl.replace(/\/+$/, '');
  let url = `${base}${path.startsWith('/') ? '' : '/'}${path}`;
  if (query.length > 0) {
    const search = new URLSearchParams(query.map(([k, v]) => [k, v])).toString();
    url += `${url.includes('?') ? '&' : '?'}${search}`;
  }
  return url;
}
