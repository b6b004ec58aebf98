/**
 * Codes for errors graphql-js reports before execution starts (stage: operation). Parse,
 * validation and operation selection errors get theirs from Yoga (GRAPHQL_PARSE_FAILED,
 * GRAPHQL_VALIDATION_FAILED, OPERATION_RESOLUTION_FAILURE); variable coercion errors get none, so
 * a client could not tell them apart from the rest: they become BAD_USER_INPUT. A result with
 * errors and no `data` key is exactly that case: execution never began. A subscription on a
 * schema without a `Subscription` type (graphql-js answers it with no code) is
 * OPERATION_NOT_SUPPORTED.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';

export function useOperationErrorCodes(): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      if (args.schema.getSubscriptionType()) return;
      setResultAndStopExecution({
        errors: [gatewayError('OPERATION_NOT_SUPPORTED', 'Subscriptions are not supported by this gateway.')],
      });
    },
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
