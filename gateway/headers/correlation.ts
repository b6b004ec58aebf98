/**
 * The correlation headers the gateway forwards on every call whatever the rules say: the W3C
 * trace context (`traceparent`, and `tracestate` with it) when the client sent a well-formed one,
 * and the request id (`x-request-id`): the client's when it is one line of printable ASCII of at
 * most 200 characters, else one generated for the request, and returned in the response.
 */
import { randomUUID } from 'node:crypto';
import { REQUEST_ID, TRACEPARENT, TRACESTATE } from './names.ts';

// version-traceId-parentId-flags; version ff and all-zero ids are invalid (W3C Trace Context §3.2).
const TRACEPARENT_FORMAT =
  /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(-[\x21-\x7e]+)?$/;
const TRACESTATE_FORMAT = /^[\t\x20-\x7e]{0,512}$/;
const REQUEST_ID_FORMAT = /^[\x21-\x7e]{1,200}$/;

const requestIds = new WeakMap<Request, string>();

/** The request id of `request`: the client's when usable, else a generated one (the same every time). */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    const sent = request.headers.get(REQUEST_ID);
    id = sent !== null && REQUEST_ID_FORMAT.test(sent) ? sent : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/** The correlation headers of every call made for `request`. */
export function correlationHeaders(request: Request): Record<string, string> {
  const out: Record<string, string> = { [REQUEST_ID]: requestIdOf(request) };
  const traceparent = request.headers.get(TRACEPARENT);
  if (traceparent !== null && TRACEPARENT_FORMAT.test(traceparent)) {
    out[TRACEPARENT] = traceparent;
    const tracestate = request.headers.get(TRACESTATE);
    if (tracestate !== null && TRACESTATE_FORMAT.test(tracestate)) out[TRACESTATE] = tracestate;
  }
  return out;
}
