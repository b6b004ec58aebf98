/**
 * Validation of `@defer` (stage: operation), as the incremental delivery proposal has it: not on
 * the root of a mutation (its root fields run in order), nowhere in a subscription (each event is
 * one result), and each label a literal string used once in the document (clients match payloads
 * by it).
 */
import {
  type ASTVisitor,
  type DirectiveNode,
  GraphQLError,
  Kind,
  type ValidationContext,
  visit,
} from 'graphql';

export function DeferOnRootFieldRule(context: ValidationContext): ASTVisitor {
  const check = (node: { directives?: readonly { name: { value: string } }[] | undefined }): void => {
    const defer = node.directives?.find((d) => d.name.value === 'defer');
    if (defer === undefined) return;
    const parent = context.getParentType();
    const schema = context.getSchema();
    const root =
      (parent && parent === schema.getMutationType() && 'mutation') ||
      (parent && parent === schema.getSubscriptionType() && 'subscription');
    if (root) {
      context.reportError(
        new GraphQLError(`@defer cannot be used on the root ${root} type "${parent?.name}".`, {
          nodes: defer as never,
        }),
      );
    }
  };
  return { InlineFragment: check, FragmentSpread: check };
}

export function DeferLabelRule(context: ValidationContext): ASTVisitor {
  const seen = new Set<string>();
  return {
    Directive(node) {
      if (node.name.value !== 'defer') return;
      const label = node.arguments?.find((a) => a.name.value === 'label');
      if (label === undefined) return;
      if (label.value.kind !== Kind.STRING) {
        context.reportError(
          new GraphQLError('The label of @defer must be a literal string, not a variable.', { nodes: node }),
        );
        return;
      }
      if (seen.has(label.value.value)) {
        context.reportError(
          new GraphQLError(`The label "${label.value.value}" of @defer is used more than once.`, {
            nodes: node,
          }),
        );
      }
      seen.add(label.value.value);
    },
  };
}

/** No `@defer` anywhere in a subscription (unless `if: false`): each event is one result. */
export function DeferInSubscriptionRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation !== 'subscription') return;
      const report = (node: DirectiveNode) => {
        const arg = node.arguments?.find((a) => a.name.value === 'if');
        if (arg?.value.kind === Kind.BOOLEAN && !arg.value.value) return;
        context.reportError(new GraphQLError('@defer cannot be used in a subscription.', { nodes: node }));
      };
      const check = {
        Directive(node: DirectiveNode) {
          if (node.name.value === 'defer') report(node);
        },
      };
      visit(operation, check);
      for (const fragment of context.getRecursivelyReferencedFragments(operation)) visit(fragment, check);
    },
  };
}
