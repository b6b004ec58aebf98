/**
 * Health endpoints (stage: request). `/healthz` answers 200 while the process serves HTTP;
 * `/readyz` answers 200 when the supergraph is ready (a schema in service, every required
 * subgraph part of it and answering its health check; optional subgraphs do not count) and
 * 503 otherwise; its `status` says `degraded` when ready with an optional subgraph out (not
 * loaded, set aside, or failing its health check) or with a circuit breaker not closed. Its JSON body says, per subgraph, whether it is loaded and in service, why its
 * last load failed and when it is retried, and the problems of a composition that failed; those
 * details go only to the requests `readyDetails` allows, others get the status alone.
 *
 * `loopback` fails closed: a request without a Node socket (another server adapter, or an
 * in-process `yoga.fetch`) gets no details, since where it came from is unknown. Behind a reverse
 * proxy or a sidecar on the same host every request comes from loopback: set `never` there.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { HEALTH_PATH, READY_PATH } from '../../core/defaults.ts';
import type { CircuitBreakerStatus, TargetStatus } from '../../core/readiness.ts';
import type { SupergraphStatus } from '../supergraph/index.ts';

export type ReadyDetails = 'loopback' | 'always' | 'never';

export interface HealthOptions {
  /** @default '/healthz' */
  healthPath?: string;
  /** @default '/readyz' */
  readyPath?: string;
  /**
   * Who sees the details of `/readyz`: requests over a Node socket from a loopback address,
   * everyone, or no one. A request without a socket (in-process `yoga.fetch`, another server
   * adapter) gets details only with `always`. @default 'loopback'
   */
  readyDetails?: ReadyDetails;
  /** Current status of the supergraph. */
  status: () => SupergraphStatus;
  /**
   * The circuit breakers this replica has made (one per subgraph and origin called): shown in the
   * details, and an open or half-open one makes the status `degraded` (still 200: every replica
   * sees the same backend, so taking this one out of rotation would help no one).
   * @default () => []
   */
  circuitBreakers?: () => readonly CircuitBreakerStatus[];
  /**
   * The targets of each load-balanced subgraph (`loadBalancing`): shown in the details; one
   * ejected or unhealthy makes the status `degraded` (still 200). @default undefined
   */
  loadBalancing?: () => Readonly<Record<string, readonly TargetStatus[]>>;
}

export function useHealth(options: HealthOptions): Plugin {
  const healthPath = options.healthPath ?? HEALTH_PATH;
  const readyPath = options.readyPath ?? READY_PATH;
  const readyDetails = options.readyDetails ?? 'loopback';
  return {
    onRequest({ url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname === healthPath) {
        endResponse(new fetchAPI.Response('{"status":"ok"}', { status: 200, headers: jsonHeaders() }));
      } else if (url.pathname === readyPath) {
        const status = options.status();
        const breakers = options.circuitBreakers?.() ?? [];
        const targets = options.loadBalancing?.();
        // Without a Node socket (another adapter, `yoga.fetch`) the caller is unknown: no details.
        const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
        const details =
          readyDetails === 'always' ||
          (readyDetails === 'loopback' && isLoopback(req?.socket?.remoteAddress));
        const body = {
          status: readiness(status, breakers, targets),
          ...(details && {
            schema: status.hasSchema,
            version: status.version,
            reloads: status.reloads,
            subgraphs: status.subgraphs,
            compositionProblems:
              status.compositionProblems.length > 0 ? status.compositionProblems : undefined,
            circuitBreakers: breakers.length > 0 ? breakers : undefined,
            loadBalancing: targets,
          }),
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

/**
 * `ready`; `degraded` when ready but serving less than configured (an optional subgraph not
 * loaded, failing its health check, or set aside because it does not compose; a circuit breaker
 * open or half-open; a load-balancing target ejected or unhealthy): still 200, so an optional backend never takes the
 * gateway out of rotation, but visible to whoever watches the body; `not ready` (503).
 */
function readiness(
  status: SupergraphStatus,
  breakers: readonly CircuitBreakerStatus[],
  targets: Readonly<Record<string, readonly TargetStatus[]>> | undefined,
): 'ready' | 'degraded' | 'not ready' {
  if (!status.ready) return 'not ready';
  const partial =
    status.compositionProblems.length > 0 ||
    status.subgraphs.some((s) => !s.inService || s.reachable === false) ||
    breakers.some((b) => b.state !== 'closed') ||
    Object.values(targets ?? {}).some((list) => list.some((t) => !t.healthy || t.ejected));
  return partial ? 'degraded' : 'ready';
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

// A new object per response: the server adapter writes `content-length` into the object it is
// given, so a shared one would carry the first response's length into the next.
const jsonHeaders = () => ({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
});
