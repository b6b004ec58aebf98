/**
 * The spans of one operation (stages: operation and plan). `onParams` (both the JSON fast path
 * and Yoga run it) starts the operation's span, of kind SERVER, whose parent is the client's
 * `traceparent` when it sent a valid one; envelop's `onParse`, `onValidate` and `onExecute` add
 * `graphql.parse`, `graphql.validate` and `graphql.execute` under it; the engine's plan observer
 * adds `graphql.plan` under `graphql.execute`; `onExecutionResult` ends it with the result's
 * status. Per request state lives in a WeakMap keyed by the client's `Request`: no global context
 * manager is needed, the parent of every span is handed over explicitly.
 */
import { createHash } from 'node:crypto';
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type DocumentNode, type ExecutionResult, getOperationAST, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestOf } from '../../core/identity.ts';
import { httpStatusOf } from './http-status.ts';
import { remoteParent } from './trace-context.ts';

/** Where the tracer comes from: set once the provider is ready (undefined before: nothing traced). */
export interface TracerSource {
  tracer: Tracer | undefined;
}

export interface OperationTracingOptions {
  source: TracerSource;
  /** Put the operation's text in `graphql.document`. @default false */
  includeDocument: boolean;
}

/** What the engine tells of one operation's plan (structurally the engine's `PlanEvent`). */
export interface PlanEvent {
  context: unknown;
  startTime: number;
  cached: boolean;
  route: string;
  code?: string;
}

export interface OperationTracing {
  plugin: Plugin;
  /** The parent of the plan and subgraph spans of the operation whose GraphQL context is `context`. */
  parentOf(context: unknown): Context | undefined;
  /** The engine's plan observer: one `graphql.plan` span per operation on the plan engine. */
  onPlan(event: PlanEvent): void;
}

interface OperationTrace {
  span: Span;
  /** The context whose span is the operation's: the parent of parse, validate and execute. */
  context: Context;
  /** The document's text as parsed, for its hash. */
  text: string | undefined;
  parse: Span | undefined;
  validate: Span | undefined;
  execute: Span | undefined;
  /** The context whose span is `execute`: the parent of the plan and the subgraph calls. */
  executeContext: Context | undefined;
  ended: boolean;
}

export const OPERATION_SPAN = 'graphql.operation';
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;

export function traceOperations(options: OperationTracingOptions): OperationTracing {
  const { source, includeDocument } = options;
  const traces = new WeakMap<Request, OperationTrace>();
  // The parser cache hands out one document object per text: its hash is computed once.
  const hashes = new WeakMap<DocumentNode, string>();
  const traceOf = (context: unknown) => {
    const request = requestOf(context);
    return request === undefined ? undefined : traces.get(request);
  };

  const child = (tracer: Tracer, name: string, parent: Context) => tracer.startSpan(name, undefined, parent);

  const plugin: Plugin = {
    onParams({ request, params }) {
      const tracer = source.tracer;
      if (tracer === undefined || traces.has(request)) return;
      const parent = remoteParent(request.headers.get('traceparent'), request.headers.get('tracestate'));
      // As sent (the document may not even parse): only a GraphQL name of sensible length.
      const name =
        params.operationName !== undefined && NAME.test(params.operationName)
          ? params.operationName
          : undefined;
      const attributes: Attributes = { 'http.request.method': request.method };
      if (name) attributes['graphql.operation.name'] = name;
      const span = tracer.startSpan(
        name ? `${OPERATION_SPAN} ${name}` : OPERATION_SPAN,
        { kind: SpanKind.SERVER, attributes },
        parent,
      );
      traces.set(request, {
        span,
        context: trace.setSpan(ROOT_CONTEXT, span),
        text: undefined,
        parse: undefined,
        validate: undefined,
        execute: undefined,
        executeContext: undefined,
        ended: false,
      });
    },
    onParse({ context, params }) {
      const current = traceOf(context);
      if (current === undefined) return;
      current.text = textOf(params.source);
      current.parse = child(source.tracer!, 'graphql.parse', current.context);
      return parseDone;
    },
    onValidate({ context }) {
      const current = traceOf(context);
      if (current === undefined) return;
      current.validate = child(source.tracer!, 'graphql.validate', current.context);
      return validateDone;
    },
    onExecute({ args }) {
      const current = traceOf(args.contextValue);
      if (current === undefined) return;
      const { span } = current;
      if (span.isRecording()) describeOperation(current, args.document, args.operationName ?? undefined);
      const execute = child(source.tracer!, 'graphql.execute', current.context);
      current.execute = execute;
      current.executeContext = trace.setSpan(ROOT_CONTEXT, execute);
      return EXECUTE_DONE;
    },
    onExecutionResult({ request, result }) {
      const current = traces.get(request);
      if (current === undefined || current.ended) return;
      // Kept (the map is weak): the calls of a deferred answer, made later, still find their parent.
      current.ended = true;
      endSpan(current.execute, result);
      endSpan(current.span, result, request.headers.get('accept'));
    },
  };

  function parseDone({ context, result }: { context: unknown; result: unknown }) {
    const current = traceOf(context);
    if (current?.parse === undefined) return;
    if (result instanceof Error) failed(current.parse, 'GRAPHQL_PARSE_FAILED');
    current.parse.end();
    current.parse = undefined;
  }

  function validateDone({ context, valid }: { context: unknown; valid: boolean }) {
    const current = traceOf(context);
    if (current?.validate === undefined) return;
    if (!valid) failed(current.validate, 'GRAPHQL_VALIDATION_FAILED');
    current.validate.end();
    current.validate = undefined;
  }

  const EXECUTE_DONE = {
    onExecuteDone({ args, result }: { args: { contextValue?: unknown }; result: unknown }) {
      const current = traceOf(args.contextValue);
      if (current?.execute === undefined) return;
      endSpan(current.execute, result);
      current.execute = undefined;
    },
  };

  function describeOperation(current: OperationTrace, document: DocumentNode, operationName?: string) {
    const operation = getOperationAST(document, operationName);
    const name = operation?.name?.value ?? operationName;
    const attributes: Attributes = {};
    if (operation) attributes['graphql.operation.type'] = operation.operation;
    if (name) {
      attributes['graphql.operation.name'] = name;
      current.span.updateName(`${OPERATION_SPAN} ${name}`);
    }
    if (current.text !== undefined) {
      let hash = hashes.get(document);
      if (hash === undefined) {
        hash = createHash('sha256').update(current.text).digest('hex');
        hashes.set(document, hash);
      }
      attributes['graphql.document.hash'] = hash;
      if (includeDocument) attributes['graphql.document'] = current.text;
    }
    current.span.setAttributes(attributes);
  }

  return {
    plugin,
    parentOf(context) {
      const current = traceOf(context);
      return current === undefined ? undefined : (current.executeContext ?? current.context);
    },
    onPlan(event) {
      const current = traceOf(event.context);
      const tracer = source.tracer;
      if (current === undefined || tracer === undefined) return;
      const span = tracer.startSpan(
        'graphql.plan',
        {
          startTime: event.startTime,
          attributes: { 'gatehouse.plan.cached': event.cached, 'gatehouse.plan.route': event.route },
        },
        current.executeContext ?? current.context,
      );
      if (event.code !== undefined) failed(span, event.code);
      span.end();
    },
  };
}

function textOf(source: string | Source): string {
  return typeof source === 'string' ? source : source.body;
}

/** Marks `span` as failed with the catalogue `code` (`error.type`, and the status message). */
export function failed(span: Span, code: string): void {
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * Ends `span` (when there is one) with the status of `result`; the operation's (given the client's
 * `Accept`) with its HTTP status too.
 */
function endSpan(span: Span | undefined, result: unknown, accept?: string | null): void {
  if (span === undefined) return;
  if (isSingleResult(result) && span.isRecording()) {
    const code = firstCode(result);
    if (code !== undefined) failed(span, code);
    if (accept !== undefined) span.setAttribute('http.response.status_code', httpStatusOf(result, accept));
  }
  span.end();
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}

/** The code of the result's first error; `_OTHER` for an error without one; undefined for none. */
function firstCode(result: ExecutionResult): string | undefined {
  const errors = result.errors;
  if (errors === undefined || errors.length === 0) return undefined;
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code === 'string') return code;
  }
  return '_OTHER';
}
