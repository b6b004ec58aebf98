/**
 * Validation of the aliases the gateway reserves (stage: operation). The rewrite adds fields
 * under aliases starting with `__gatehouse` (rewrite.ts) and the patch removes them from the
 * answer: a client's field under such an alias would clash with them ("Fields conflict", or its
 * value taken out of the answer). It is refused at validation instead, with
 * GRAPHQL_VALIDATION_FAILED, whatever the graph's policies, so every graph answers it alike.
 */
import { type ASTVisitor, GraphQLError, type ValidationContext } from 'graphql';

/** Aliases starting with it are the gateway's; `TYPENAME_KEY` is one. */
export const RESERVED_ALIAS_PREFIX = '__gatehouse';

export function ReservedAliasRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const alias = node.alias?.value;
      if (alias === undefined || !alias.startsWith(RESERVED_ALIAS_PREFIX)) return;
      context.reportError(
        new GraphQLError(
          `The alias "${alias}" is reserved by the gateway; use an alias that does not start with "${RESERVED_ALIAS_PREFIX}".`,
          { nodes: node },
        ),
      );
    },
  };
}
