/**
 * The node listener, observed (stage: request): each request gets its record
 * (core/request-record.ts) when it comes in, and `done` is told once its response is closed
 * (written, or its client gone), with the status and the record. Around both the JSON fast path
 * and Yoga; used only when metrics or the access log are on. Per request: one record, kept in a
 * symbol field of the node request, and one `close` listener, the same function for every request
 * (`on`, not `once`, which would wrap it per request; a response closes once).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type RequestDone, type RequestRecord, recordOf, startRecord } from '../../core/request-record.ts';
import { requestIdOf as idOfRequest } from '../headers/correlation.ts';
import type { Logger } from '../logger/index.ts';

export type { RequestDone } from '../../core/request-record.ts';

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

export interface ObserveOptions {
  /** Fill `record.requestId` before `done` is told (the access log needs it). @default false */
  requestIds?: boolean;
}

export function observeRequests(
  listener: RequestListener,
  done: RequestDone,
  logger: Logger,
  options: ObserveOptions = {},
): RequestListener {
  const requestIds = options.requestIds === true;
  function onClose(this: ServerResponse): void {
    const record = recordOf(this.req);
    if (record === undefined) return;
    try {
      if (requestIds) record.requestId = requestIdOf(record, this.req, this);
      done(record, this.req, this);
    } catch (error) {
      // A bug in metrics or the access log loses one line, never the process.
      logger.error('recording a request failed', { error });
    }
  }
  return function observedRequest(req, res) {
    startRecord(req, performance.now());
    res.on('close', onClose);
    listener(req, res);
  };
}

/**
 * The id a request was answered with: its operation's (the header rules' record, the one sent
 * back in `x-request-id`); for a request that never reached the operation stage, the id its
 * response carries, else the one the client sent when it is well formed.
 */
function requestIdOf(record: RequestRecord, req: IncomingMessage, res: ServerResponse): string | undefined {
  if (record.request !== undefined) return idOfRequest(record.request);
  const answered = res.getHeader('x-request-id');
  if (typeof answered === 'string') return answered;
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : undefined;
}

/** Every one of `handlers` that is set, in one; undefined when none is. */
export function requestDone(...handlers: (RequestDone | undefined)[]): RequestDone | undefined {
  const set = handlers.filter((h): h is RequestDone => h !== undefined);
  if (set.length <= 1) return set[0];
  return (record, req, res) => {
    for (const handler of set) handler(record, req, res);
  };
}

/**
 * `listener`, observed when metrics or the access log are on (request ids recorded only for the
 * access log); `listener` itself when neither is.
 */
export function observedListener(
  listener: RequestListener,
  options: { metrics: RequestDone | undefined; accessLog: RequestDone | undefined; logger: Logger },
): RequestListener {
  const done = requestDone(options.metrics, options.accessLog);
  if (done === undefined) return listener;
  return observeRequests(listener, done, options.logger, { requestIds: options.accessLog !== undefined });
}
