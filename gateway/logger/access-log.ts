/**
 * The access log: one `info` line per request, once its response is closed (message `request`):
 * request id, method, path (never the query string, which may hold variables), operation name
 * and type, HTTP status, duration in ms, the subgraph calls (how many, and each one's subgraph,
 * duration and outcome, at most 20 listed) and the client's address. Requests to `quietPaths`
 * (health, readiness, metrics, GraphiQL's files: polled all day) are logged at `debug`.
 * A response whose client left before it was written says `aborted: true`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from '../../core/request-record.ts';
import { requestIdOf as idOfRequest } from '../headers/correlation.ts';
import type { RequestDone } from '../server/observe.ts';
import type { Logger } from './index.ts';

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** What to do with each answered request; `quietPaths` are exact paths or prefixes ending in `/`. */
export function createAccessLog(logger: Logger, quietPaths: readonly string[]): RequestDone {
  const quiet = (path: string) =>
    quietPaths.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)));
  return function accessLog(record, req, res) {
    const path = pathOf(req.url);
    const level = quiet(path) ? 'debug' : 'info';
    if (logger.isLevelEnabled?.(level) === false) return;
    logger[level]('request', accessLine(record, req, res, path));
  };
}

/** The fields of one line (exported for the unit test). */
export function accessLine(
  record: RequestRecord,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Record<string, unknown> {
  const line: Record<string, unknown> = {
    requestId: record.request === undefined ? requestIdOf(req, res) : idOfRequest(record.request),
    method: req.method,
    path,
    status: res.statusCode,
    durationMs: Math.round((performance.now() - record.start) * 10) / 10,
  };
  if (record.operationName !== undefined) line.operationName = record.operationName;
  if (record.operationType !== undefined) line.operationType = record.operationType;
  if (record.callCount > 0) {
    line.subgraphCalls = record.callCount;
    line.calls = record.calls;
  }
  line.clientAddress = req.socket?.remoteAddress;
  if (!res.writableFinished) line.aborted = true;
  return line;
}

/**
 * A request that never reached the operation stage: the id its response carries, else the one
 * the client sent when it is well formed (operations take theirs from the header rules' record,
 * the one they answer in `x-request-id`).
 */
function requestIdOf(req: IncomingMessage, res: ServerResponse): string | undefined {
  const answered = res.getHeader('x-request-id');
  if (typeof answered === 'string') return answered;
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : undefined;
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
