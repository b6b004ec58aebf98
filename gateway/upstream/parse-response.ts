/**
 * What a GraphQL subgraph answered, checked: a GraphQL response (`data` and/or `errors`) or a
 * SUBGRAPH_BAD_RESPONSE. Errors in its `errors` list keep their message, path and code (or get
 * SUBGRAPH_ERROR), gain `serviceName`, and lose what only the subgraph should see.
 */
import type { ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';
import { INTERNAL_EXTENSIONS } from '../../core/defaults.ts';
import { gatewayError } from '../../core/errors.ts';

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
  path?: unknown;
  extensions?: unknown;
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
  const { code, ...rest } = isPlainObject(error.extensions) ? error.extensions : {};
  const extensions: Record<string, unknown> = { code: typeof code === 'string' ? code : 'SUBGRAPH_ERROR' };
  for (const [key, value] of Object.entries(rest)) {
    if (!INTERNAL_EXTENSIONS.has(key)) extensions[key] = value;
  }
  extensions.serviceName = serviceName;
  const path =
    Array.isArray(error.path) && error.path.every((p) => typeof p === 'string' || typeof p === 'number')
      ? error.path
      : undefined;
  return new GraphQLError(error.message, { path, extensions });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
