/** Helpers of the field policies' rewrite (rewrite.ts): on the client's document, on its paths. */
import {
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import type { PathNode } from './paths.ts';

/** The operation and the fragments it still spreads (directly or through other fragments). */
export function withUsedFragments(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): DocumentNode {
  const used = new Set<string>();
  const pending = [operation as OperationDefinitionNode | FragmentDefinitionNode];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name) || !fragments.has(name)) return;
        used.add(name);
        pending.push(fragments.get(name)!);
      },
    });
  }
  return {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...[...fragments.values()].filter((f) => used.has(f.name.value))],
  };
}

/** The conditions on a field's way, with those among `directives`. */
export function withConditions(
  conditions: readonly (readonly DirectiveNode[])[],
  directives: readonly DirectiveNode[] | undefined,
): readonly (readonly DirectiveNode[])[] {
  const some = directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip');
  return some ? [...conditions, directives!] : conditions;
}

/** The `label` of a `@defer`, when it is a literal (validation requires it to be static). */
export function labelOf(defer: DirectiveNode): string | undefined {
  const label = defer.arguments?.find((a) => a.name.value === 'label')?.value;
  return label?.kind === Kind.STRING ? label.value : undefined;
}

/**
 * Drops the paths below which nothing is removed (the patch walks only the others), and the key
 * order where nothing is removed (no object there gets a key back).
 */
export function prune(node: PathNode): boolean {
  for (const [key, child] of node.children) if (!prune(child.node)) node.children.delete(key);
  if (node.removals.length === 0) node.order = [];
  return node.removals.length > 0 || node.children.size > 0;
}
