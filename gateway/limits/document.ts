/**
 * A parsed document, checked once (the parse cache keeps the outcome): operations, directives,
 * and for each operation its depth, aliases and root fields with fragments expanded. Each
 * fragment is measured once and reused wherever it is spread, so the time is linear in the
 * document (itself bounded by `maxTokens`) even when spreads would expand it exponentially.
 */
import {
  type ASTNode,
  BREAK,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  Kind,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { limitExceeded } from './refuse.ts';

export interface DocumentLimits {
  maxOperations: number;
  maxDirectives: number;
  maxDirectivesPerField: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
}

/** The first limit `document` passes, or undefined. Every limit at 0 is off. */
export function documentRefusal(document: DocumentNode, limits: DocumentLimits): GraphQLError | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (limits.maxOperations > 0 && operations.length > limits.maxOperations) {
    return limitExceeded(
      'maxOperations',
      `the document defines ${operations.length} operations; the limit is ${limits.maxOperations}`,
    );
  }
  const directives = directiveRefusal(document, limits);
  if (directives) return directives;
  const measure = measurer(document);
  for (const operation of operations) {
    const { depth, aliases, rootFields } = measure(operation.selectionSet);
    if (limits.maxDepth > 0 && depth > limits.maxDepth) {
      return limitExceeded(
        'maxDepth',
        `an operation is ${depth} fields deep; the limit is ${limits.maxDepth}`,
      );
    }
    if (limits.maxAliases > 0 && aliases > limits.maxAliases) {
      return limitExceeded(
        'maxAliases',
        `an operation has ${aliases} aliases; the limit is ${limits.maxAliases}`,
      );
    }
    if (limits.maxRootFields > 0 && rootFields > limits.maxRootFields) {
      return limitExceeded(
        'maxRootFields',
        `an operation selects ${rootFields} root fields; the limit is ${limits.maxRootFields}`,
      );
    }
  }
  return undefined;
}

function directiveRefusal(document: DocumentNode, limits: DocumentLimits): GraphQLError | undefined {
  if (limits.maxDirectives === 0 && limits.maxDirectivesPerField === 0) return undefined;
  let total = 0;
  let refusal: GraphQLError | undefined;
  visit(document, {
    enter(node: ASTNode) {
      const count = 'directives' in node && Array.isArray(node.directives) ? node.directives.length : 0;
      total += count;
      if (limits.maxDirectivesPerField > 0 && count > limits.maxDirectivesPerField) {
        refusal = limitExceeded(
          'maxDirectivesPerField',
          `a ${node.kind} has ${count} directives; the limit is ${limits.maxDirectivesPerField}`,
        );
      } else if (limits.maxDirectives > 0 && total > limits.maxDirectives) {
        refusal = limitExceeded(
          'maxDirectives',
          `the document has more than ${limits.maxDirectives} directives; the limit is ${limits.maxDirectives}`,
        );
      }
      return refusal ? BREAK : undefined;
    },
  });
  return refusal;
}

interface Measure {
  /** Deepest field nesting. */
  depth: number;
  /** Aliases, each spread of a fragment counting its own. */
  aliases: number;
  /** Fields at this level (the root's, when measured at the root). */
  rootFields: number;
}

// Counts saturate here: past it the exact number is of no use, and it stays a safe integer.
const LARGE = 1_000_000_000;

/** Measures selection sets of `document`, each fragment once. Unknown or cyclic spreads count 0. */
function measurer(document: DocumentNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Measure>();
  const visiting = new Set<string>();
  const ofFragment = (name: string): Measure => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (fragment === undefined || visiting.has(name)) return { depth: 0, aliases: 0, rootFields: 0 };
    visiting.add(name);
    const measured = ofSet(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, measured);
    return measured;
  };
  const ofSet = (set: SelectionSetNode): Measure => {
    const total: Measure = { depth: 0, aliases: 0, rootFields: 0 };
    for (const selection of set.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? ofSet(selection.selectionSet) : undefined;
        inner = {
          depth: 1 + (below?.depth ?? 0),
          aliases: (selection.alias ? 1 : 0) + (below?.aliases ?? 0),
          rootFields: 1,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = ofSet(selection.selectionSet);
      } else {
        inner = ofFragment(selection.name.value);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases = Math.min(LARGE, total.aliases + inner.aliases);
      total.rootFields = Math.min(LARGE, total.rootFields + inner.rootFields);
    }
    return total;
  };
  return ofSet;
}
