/**
 * The node listener, observed (stage: request): each request gets its record
 * (core/request-record.ts) when it comes in, and `done` is told once its response is closed
 * (written, or its client gone), with the status and the record. Around both the JSON fast path
 * and Yoga; used only when metrics or the access log are on. Per request: one `WeakMap` entry and
 * one `close` listener shared by every request (no closure per request).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type RequestRecord, recordOf, startRecord } from '../../core/request-record.ts';
import type { Logger } from '../logger/index.ts';

/** Told of each answered request; `res.writableFinished` is false when the client left first. */
export type RequestDone = (record: RequestRecord, req: IncomingMessage, res: ServerResponse) => void;

export function observeRequests(
  listener: RequestListener,
  done: RequestDone,
  logger: Logger,
): RequestListener {
  function onClose(this: ServerResponse): void {
    const record = recordOf(this.req);
    if (record === undefined) return;
    try {
      done(record, this.req, this);
    } catch (error) {
      // A bug in metrics or the access log loses one line, never the process.
      logger.error('recording a request failed', { error });
    }
  }
  return function observedRequest(req, res) {
    startRecord(req, performance.now());
    res.once('close', onClose);
    listener(req, res);
  };
}

/** Every one of `handlers` that is set, in one; undefined when none is. */
export function requestDone(...handlers: (RequestDone | undefined)[]): RequestDone | undefined {
  const set = handlers.filter((h): h is RequestDone => h !== undefined);
  if (set.length <= 1) return set[0];
  return (record, req, res) => {
    for (const handler of set) handler(record, req, res);
  };
}
