/**
 * The access log: one `info` line per request, once its response is closed (message `request`):
 * request id, method, path (never the query string, which may hold variables), operation name
 * and type, HTTP status, duration in ms, the subgraph calls (how many, and each one's subgraph,
 * duration and outcome, at most 20 listed) and the client's address. Requests to `quietPaths`
 * (health, readiness, metrics, GraphiQL's files: polled all day) are logged at `debug`.
 * A client that left before any answer is logged with `status: 499` (nginx's "client closed
 * request") and `aborted: true`; one that left during the answer with the status written and
 * `aborted: true`. The request id comes in the record (the server fills it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_CLOSED, type RequestDone, type RequestRecord } from '../../core/request-record.ts';
import type { Logger } from './index.ts';

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
    requestId: record.requestId,
    method: req.method,
    path,
    status: res.headersSent ? res.statusCode : CLIENT_CLOSED,
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

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
