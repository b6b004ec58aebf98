import { type ExecutionArgs, getOperationAST, getVariableValues } from 'graphql';

/**
 * The operation's variables with their defaults (for `@include(if:)` / `@skip(if:)`), coerced on
 * first use, at most once: a second time, as execute coerces them too (before execute, envelop
 * has only the raw ones), and only for an operation that lost a field or selects a gated one.
 */
export class Variables {
  #done = false;
  #value: Record<string, unknown> | undefined;
  constructor(private readonly args: ExecutionArgs) {}
  /** The coerced variables; undefined when they do not coerce (execution then refuses them). */
  coerced(): Record<string, unknown> | undefined {
    if (!this.#done) {
      this.#done = true;
      this.#value = coercedVariables(this.args);
    }
    return this.#value;
  }
  /** The coerced variables, or the raw ones when they do not coerce. */
  all(): Record<string, unknown> {
    return this.coerced() ?? ((this.args.variableValues ?? {}) as Record<string, unknown>);
  }
}

/** The operation's variables coerced with their defaults; undefined when they do not coerce. */
function coercedVariables(args: ExecutionArgs): Record<string, unknown> | undefined {
  const raw = (args.variableValues ?? {}) as Record<string, unknown>;
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation?.variableDefinitions?.length) return raw;
  return getVariableValues(args.schema, operation.variableDefinitions, raw).coerced;
}
