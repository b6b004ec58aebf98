/**
 * Codes for errors graphql-js reports before execution starts (stage: operation). Parse and
 * validation errors get theirs from Yoga; variable coercion and operation selection errors get
 * none, so a client could not tell them apart from the rest. A result with errors and no `data`
 * key is exactly that case: execution never began.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';

export function useOperationErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const single = result as ExecutionResult;
          if (single.data !== undefined || !single.errors?.some((e) => e.extensions?.code === undefined))
            return;
          setResult({
            ...single,
            errors: single.errors.map((error) =>
              error.extensions?.code !== undefined
                ? error
                : gatewayError('BAD_USER_INPUT', error.message, {
                    nodes: error.nodes,
                    path: error.path,
                    extensions: { ...error.extensions },
                  }),
            ),
          });
        },
      };
    },
  };
}
