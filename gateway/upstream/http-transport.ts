import { clientSignal } from '../../core/client-signal.ts';
import type { UpstreamClient } from '../../core/http-client.ts';
import { callKind, type SubgraphExecutor } from '../../core/subgraph-call.ts';
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

export function createHttpTransport(options: HttpTransportOptions): SubgraphExecutor {
  const { serviceName, url, client, timeout } = options;
  const headers = { ...options.headers, 'content-type': 'application/json', accept: ACCEPT };
  return async function httpTransport(request) {
    const body = requestBody(request);
    const response = await client.request({
      serviceName,
      url,
      method: 'POST',
      headers,
      body,
      timeout,
      signal: clientSignal(request),
      kind: callKind(request),
    });
    return parseGraphQLResponse(serviceName, response.status, response.body);
  };
}
