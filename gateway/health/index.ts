/**
 * Health endpoints (stage: request). `/healthz` answers 200 while the process serves HTTP;
 * `/readyz` answers 200 when a schema is in service and every required subgraph is part of it,
 * and 503 otherwise; its JSON body says, per subgraph, whether it is loaded and in service, why its
 * last load failed and when it is retried, and the problems of a composition that failed.
 */
import type { Plugin } from 'graphql-yoga';
import type { SupergraphStatus } from '../supergraph/index.ts';

export interface HealthOptions {
  /** @default '/healthz' */
  healthPath?: string;
  /** @default '/readyz' */
  readyPath?: string;
  /** Current status of the supergraph. */
  status: () => SupergraphStatus;
}

export function useHealth(options: HealthOptions): Plugin {
  const healthPath = options.healthPath ?? '/healthz';
  const readyPath = options.readyPath ?? '/readyz';
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === healthPath) {
        endResponse(new fetchAPI.Response('{"status":"ok"}', { status: 200, headers: jsonHeaders() }));
      } else if (url.pathname === readyPath) {
        const status = options.status();
        const body = {
          status: status.ready ? 'ready' : 'not ready',
          schema: status.hasSchema,
          subgraphs: status.subgraphs,
          compositionProblems: status.compositionProblems.length > 0 ? status.compositionProblems : undefined,
        };
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status: status.ready ? 200 : 503,
            headers: jsonHeaders(),
          }),
        );
      }
    },
  };
}

// A new object per response: the server adapter writes `content-length` into the object it is
// given, so a shared one would carry the first response's length into the next.
const jsonHeaders = () => ({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
});
