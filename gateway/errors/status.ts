/**
 * The HTTP status of an operation that never ran (stage: response). When the only result is a
 * list of gateway errors raised before execution (no `data`: a variable of the wrong type, a
 * schema not ready, a room that refused the operation), the response answers the catalogue's
 * status for them (`ErrorCodes[code].status`, the highest when there are several). An operation
 * that executed answers 200, with partial data and its errors.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCodes, isGatewayError } from '../../core/errors.ts';

export function useErrorStatus(): Plugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (result === undefined || Symbol.asyncIterator in result || Array.isArray(result)) return;
      const single = result as ExecutionResult;
      if (single.data !== undefined || !single.errors?.length) return;
      let status = 0;
      for (const error of single.errors) {
        if (isGatewayError(error)) status = Math.max(status, ErrorCodes[error.extensions.code].status);
      }
      if (status === 0) return;
      const http = (single.extensions?.http ?? {}) as Record<string, unknown>;
      setResult({ ...single, extensions: { ...single.extensions, http: { ...http, status } } });
    },
  };
}
