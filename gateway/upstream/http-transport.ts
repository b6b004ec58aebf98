/**
 * The innermost step for remote GraphQL subgraphs: GraphQL over HTTP (POST, JSON) through the
 * pooled client, and a strict check that what came back is a GraphQL response.
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';
import { gatewayError } from '../errors/index.ts';
import type { UpstreamClient } from '../http/index.ts';
import { printCached } from './print-cache.ts';
import type { SubgraphExecutor } from './types.ts';

export interface HttpTransportOptions {
  serviceName: string;
  url: string;
  client: UpstreamClient;
  /** Deadline for one request, in milliseconds; undefined uses the client's default. */
  timeout?: number;
  headers?: Readonly<Record<string, string>>;
}

const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

export function createHttpTransport(options: HttpTransportOptions): SubgraphExecutor {
  const { serviceName, url, client, timeout } = options;
  const headers = { ...options.headers, 'content-type': 'application/json', accept: ACCEPT };
  return async function httpTransport(request) {
    const body = JSON.stringify({
      query: printCached(request.document),
      variables: request.variables,
      operationName: request.operationName,
    });
    const response = await client.request({
      serviceName,
      url,
      method: 'POST',
      headers,
      body,
      timeout,
      signal: clientSignal(request),
    });
    return parseGraphQLResponse(serviceName, response.status, response.body);
  };
}

/**
 * The signal that aborts when the client goes away. The federation planner does not pass the
 * operation's signal on to subgraph requests, so it is taken from the context, where Yoga keeps
 * the client's Fetch `Request`.
 */
function clientSignal(request: ExecutionRequest): AbortSignal | undefined {
  if (request.signal) return request.signal;
  const signal = (request.context as { request?: { signal?: unknown } } | undefined)?.request?.signal;
  return isSignal(signal) ? signal : undefined;
}

function isSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).aborted === 'boolean'
  );
}

/** Parses an upstream body as a GraphQL response, or throws SUBGRAPH_BAD_RESPONSE. */
export function parseGraphQLResponse(serviceName: string, status: number, body: string): ExecutionResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw gatewayError(
      'SUBGRAPH_BAD_RESPONSE',
      `${serviceName} answered HTTP ${status} with a body that is not JSON`,
      {
        serviceName,
        cause,
        extensions: { upstreamStatus: status },
      },
    );
  }
  if (!isExecutionResult(parsed)) {
    throw gatewayError(
      'SUBGRAPH_BAD_RESPONSE',
      `${serviceName} answered HTTP ${status} with JSON that is not a GraphQL response`,
      {
        serviceName,
        extensions: { upstreamStatus: status },
      },
    );
  }
  if (status >= 400 && parsed.data == null && (parsed.errors?.length ?? 0) === 0) {
    throw gatewayError('SUBGRAPH_BAD_RESPONSE', `${serviceName} answered HTTP ${status}`, {
      serviceName,
      extensions: { upstreamStatus: status },
    });
  }
  return {
    data: parsed.data,
    errors: parsed.errors?.map((e) => toGraphQLError(e, serviceName)),
    extensions: parsed.extensions,
  } as ExecutionResult;
}

interface RawError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

interface RawResult {
  data?: Record<string, unknown> | null;
  errors?: RawError[];
  extensions?: Record<string, unknown>;
}

function isExecutionResult(value: unknown): value is RawResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { data, errors } = value as Record<string, unknown>;
  if (data === undefined && errors === undefined) return false;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return false;
  if (
    errors !== undefined &&
    (!Array.isArray(errors) || !errors.every((e) => typeof e?.message === 'string'))
  )
    return false;
  return true;
}

function toGraphQLError(error: RawError, serviceName: string): GraphQLError {
  return new GraphQLError(error.message, {
    path: error.path,
    extensions: { code: 'SUBGRAPH_ERROR', ...error.extensions, serviceName },
  });
}
