/**
 * Introspection and field suggestions (stage: operation). In production mode both are off by
 * default (`server.introspection`, `server.fieldSuggestions`): the schema is not handed to
 * whoever asks, and "Did you mean ...?" in errors does not let it be guessed field by field.
 *
 * Introspection is refused by a validation rule, so it holds whatever runs the operation (the
 * plan engine answers `__schema` itself with graphql-js; the stitching engine through Yoga) and
 * on the fast path: `__schema` or `__type` anywhere gives INTROSPECTION_DISABLED (HTTP 400);
 * `__typename` is always answered. Suggestions are cut from the validation errors (the
 * validation cache keeps them cut) and from the errors of variables graphql-js coerces when
 * execution starts.
 */
import { type ExecutionResult, GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';

export interface IntrospectionControlOptions {
  /** `__schema` and `__type` are answered. @default true, false in production mode */
  introspection: boolean;
  /** Errors may say "Did you mean ...?". @default true, false in production mode */
  fieldSuggestions: boolean;
}

export function useIntrospectionControl(options: IntrospectionControlOptions): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!options.introspection) addValidationRule(NoIntrospectionRule);
      if (options.fieldSuggestions) return;
      return ({ valid, result, setResult }) => {
        if (!valid && result.some(suggests)) setResult(result.map(withoutSuggestion));
      };
    },
    onExecute() {
      if (options.fieldSuggestions) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const single = result as ExecutionResult;
          if (single.errors?.some(suggests))
            setResult({ ...single, errors: single.errors.map(withoutSuggestion) });
        },
      };
    },
  };
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** `__schema` and `__type` are refused; the rule's name keys Yoga's validation cache. */
const NoIntrospectionRule: ValidationRule = function NoIntrospectionRule(context: ValidationContext) {
  return {
    Field(node) {
      if (!INTROSPECTION_FIELDS.has(node.name.value)) return;
      context.reportError(
        gatewayError(
          'INTROSPECTION_DISABLED',
          `introspection is off (server.introspection): ${node.name.value}`,
          {
            nodes: [node],
          },
        ),
      );
    },
  };
};

// graphql-js's `didYouMean` ends the message with it.
const SUGGESTION = / Did you mean .+\?$/s;

const suggests = (error: Error) => SUGGESTION.test(error.message);

function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!suggests(error) || !(error instanceof GraphQLError)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
