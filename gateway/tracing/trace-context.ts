/**
 * The W3C trace context (https://www.w3.org/TR/trace-context/) read from a client's request and
 * written on subgraph calls, with `@opentelemetry/api` alone (no propagator of the SDK, no global
 * context manager): the parent of each span is handed over explicitly.
 */
import { type Context, createTraceState, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';

// version-traceId-parentId-flags; version ff and all-zero ids are invalid (§3.2). A later version
// may add fields after the flags: they are ignored.
const TRACEPARENT =
  /^(?!ff)([0-9a-f]{2})-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})(-[\x21-\x7e]+)?$/;
const TRACESTATE = /^[\t\x20-\x7e]{0,512}$/;

/**
 * The context whose parent is the client's span, when `traceparent` is well-formed (version 00
 * exactly as specified, later versions by their first four fields); ROOT_CONTEXT otherwise.
 * `tracestate` is kept with it.
 */
export function remoteParent(traceparent: string | null, tracestate: string | null): Context {
  if (traceparent === null) return ROOT_CONTEXT;
  const match = TRACEPARENT.exec(traceparent);
  if (match === null || (match[1] === '00' && match[5] !== undefined)) return ROOT_CONTEXT;
  const parent: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: Number.parseInt(match[4]!, 16),
    isRemote: true,
  };
  if (tracestate !== null && tracestate !== '' && TRACESTATE.test(tracestate)) {
    parent.traceState = createTraceState(tracestate);
  }
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}

/** The `traceparent` naming `span` (version 00): what a subgraph call carries. */
export function traceparentOf(span: SpanContext): string {
  // Only the sampled bit is defined in version 00; the others are sent as zero.
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags & 1 ? '01' : '00'}`;
}
