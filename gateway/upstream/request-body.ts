import type { ExecutionRequest } from '@graphql-tools/utils';
import { printCached } from '../../core/print-cache.ts';
import { requestTable } from '../../core/request-table.ts';

// The dedup key and the HTTP body are the same text: the body of one request is built once.
// Entity requests carry every representation in their variables, so this saves a second
// JSON.stringify of them per upstream call. A request derived for a shared call (its own signal)
// has its leader's body.
const bodies = requestTable<string>();

/** The GraphQL-over-HTTP JSON body of `request`, built once per request object. */
export function requestBody(request: ExecutionRequest): string {
  let body = bodies.get(request);
  if (body === undefined) {
    body = JSON.stringify({
      query: printCached(request.document),
      variables: request.variables,
      operationName: request.operationName,
    });
    bodies.set(request, body);
  }
  return body;
}
