import { clientSignal } from '../../core/client-signal.ts';
import type { UpstreamClient } from '../../core/http-client.ts';
import { NO_HEADERS, outgoingHeaders } from '../../core/outgoing-headers.ts';
import { callKind, type SubgraphExecutor } from '../../core/subgraph-call.ts';
import { recordCacheControl } from '../../core/upstream-cache-control.ts';
import { parseGraphQLResponse } from './parse-response.ts';
import { requestBody } from './request-body.ts';

export interface HttpTransportOptions {
  serviceName: string;
  url: string;
  client: UpstreamClient;
  /** Deadline for one request, in milliseconds; undefined uses the client's default. */
  timeout?: number;
  headers?: Readonly<Record<string, string>>;
}

const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';
const CONTENT = { 'content-type': 'application/json', accept: ACCEPT };

export function createHttpTransport(options: HttpTransportOptions): SubgraphExecutor {
  const { serviceName, url, client, timeout } = options;
  // Lower-cased, so that a call's own header replaces a configured one of the same name.
  const configured = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const fixed = { ...configured, ...CONTENT };
  return async function httpTransport(request) {
    const body = requestBody(request);
    // The configured headers, then the call's own (rooms' `headers` hooks); the body's type last.
    const perCall = outgoingHeaders(request);
    const headers = perCall === NO_HEADERS ? fixed : { ...configured, ...perCall, ...CONTENT };
    const response = await client.request({
      serviceName,
      url,
      method: 'POST',
      headers,
      body,
      timeout,
      signal: clientSignal(request),
      kind: callKind(request),
      // A query may be sent again (a retry); a mutation never is.
      idempotent: request.operationType === 'query',
    });
    const result = parseGraphQLResponse(serviceName, response.status, response.body);
    // For the cache (`cache.subgraphCacheControl: cap`): what the subgraph says of its answer.
    recordCacheControl(result, response.headers['cache-control'], request.context);
    return result;
  };
}
