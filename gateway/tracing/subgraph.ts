/**
 * One span per subgraph call (stages: subgraph and HTTP). The subgraph step sits inside dedup, so
 * a call shared by several operations has one span (a child of its first caller's
 * `graphql.execute`); it sends the call with a `traceparent` naming that span (`propagate`). The
 * HTTP interceptor finds the span of each HTTP request by that header and records the status the
 * subgraph answered (for REST and plain GraphQL backends: of their last HTTP call).
 */
import { type Context, type Span, SpanKind } from '@opentelemetry/api';
import type { HttpInterceptor } from '../../core/http-client.ts';
import { withTraceparent } from '../../core/outgoing-headers.ts';
import {
  callKind,
  type ExecutorWrapper,
  type SubgraphInfo,
  type SubgraphResult,
} from '../../core/subgraph-call.ts';
import { failed, type TracerSource } from './operation.ts';
import { traceparentOf } from './trace-context.ts';

export interface SubgraphTracingOptions {
  source: TracerSource;
  /** The parent of the calls of the operation whose GraphQL context is `context`. */
  parentOf(context: unknown): Context | undefined;
  /** Send each call a `traceparent` naming its span. */
  propagate: boolean;
}

export interface SubgraphTracing {
  subgraph(info: SubgraphInfo): ExecutorWrapper;
  http: HttpInterceptor;
}

export const SUBGRAPH_SPAN = 'graphql.subgraph';

export function traceSubgraphCalls(options: SubgraphTracingOptions): SubgraphTracing {
  const { source, parentOf, propagate } = options;
  // The spans of calls in flight, by the `traceparent` they carry: the HTTP interceptor's lookup.
  const inFlight = new Map<string, Span>();

  return {
    subgraph({ name, url }) {
      return (next) =>
        function tracedSubgraphCall(request) {
          const tracer = source.tracer;
          if (tracer === undefined || callKind(request) !== 'operation') return next(request);
          const parent = parentOf(request.context);
          // A call made for no traced operation (a schema load, a background refresh).
          if (parent === undefined) return next(request);
          const span = tracer.startSpan(
            `${SUBGRAPH_SPAN} ${name}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'gatehouse.subgraph.name': name,
                'url.full': url,
                'graphql.operation.type': request.operationType ?? 'query',
              },
            },
            parent,
          );
          if (!propagate) return settle(span, next(request), undefined);
          const traceparent = traceparentOf(span.spanContext());
          if (span.isRecording()) inFlight.set(traceparent, span);
          return settle(span, next(withTraceparent(request, traceparent)), traceparent);
        };
    },
    http: (next) =>
      function tracedHttpCall(request) {
        const traceparent = request.headers?.traceparent;
        const span = traceparent === undefined ? undefined : inFlight.get(traceparent);
        if (span === undefined) return next(request);
        return next(request).then((response) => {
          span.setAttribute('http.response.status_code', response.status);
          return response;
        });
      },
  };

  async function settle(
    span: Span,
    call: Promise<SubgraphResult>,
    traceparent: string | undefined,
  ): Promise<SubgraphResult> {
    try {
      const result = await call;
      const errors = result.errors;
      if (errors !== undefined && errors.length > 0) {
        const code = errors[0]!.extensions?.code;
        failed(span, typeof code === 'string' ? code : '_OTHER');
      }
      return result;
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
      failed(span, typeof code === 'string' ? code : '_OTHER');
      throw error;
    } finally {
      if (traceparent !== undefined) inFlight.delete(traceparent);
      span.end();
    }
  }
}
