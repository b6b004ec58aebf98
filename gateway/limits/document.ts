/**
 * A parsed document, checked once (the parse cache keeps the outcome): operations, directives,
 * and for each operation its depth, aliases, root fields, repeated response keys and fields
 * (fields.ts) with fragments expanded. Each
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
import { fieldsRefusal } from './fields.ts';
import { limitExceeded } from './refuse.ts';

export interface DocumentLimits {
  maxOperations: number;
  maxDirectives: number;
  maxDirectivesPerField: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDuplicateFields: number;
  maxFields: number;
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
    const { depth, aliases, rootFields, duplicates } = measure(operation.selectionSet);
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
    if (limits.maxDuplicateFields > 0 && duplicates > limits.maxDuplicateFields) {
      return limitExceeded(
        'maxDuplicateFields',
        `a selection set asks for one response key ${duplicates} times; the limit is ${limits.maxDuplicateFields}`,
      );
    }
    if (limits.maxRootFields > 0 && rootFields > limits.maxRootFields) {
      return limitExceeded(
        'maxRootFields',
        `an operation selects ${rootFields} root fields; the limit is ${limits.maxRootFields}`,
      );
    }
  }
  // Last: every operation is within the limits above, so the count walks a bounded document.
  return fieldsRefusal(document, operations, limits.maxFields);
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
  /**
   * The most fields sharing one response key in any selection set (fragments at its level
   * merged): graphql-js validation compares them pairwise, so its time grows with the square.
   */
  duplicates: number;
  /** Fields per response key at this level. */
  keys: ReadonlyMap<string, number>;
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
    if (fragment === undefined || visiting.has(name))
      return { depth: 0, aliases: 0, rootFields: 0, duplicates: 0, keys: new Map() };
    visiting.add(name);
    const measured = ofSet(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, measured);
    return measured;
  };
  const ofSet = (set: SelectionSetNode): Measure => {
    const keys = new Map<string, number>();
    const total = { depth: 0, aliases: 0, rootFields: 0, duplicates: 0, keys };
    const count = (key: string, n: number) => {
      const now = Math.min(LARGE, (keys.get(key) ?? 0) + n);
      keys.set(key, now);
      total.duplicates = Math.max(total.duplicates, now);
    };
    for (const selection of set.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? ofSet(selection.selectionSet) : undefined;
        inner = {
          depth: 1 + (below?.depth ?? 0),
          aliases: (selection.alias ? 1 : 0) + (below?.aliases ?? 0),
          rootFields: 1,
          duplicates: below?.duplicates ?? 0,
          keys: new Map(),
        };
        count(selection.alias?.value ?? selection.name.value, 1);
      } else {
        inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? ofSet(selection.selectionSet)
            : ofFragment(selection.name.value);
        for (const [key, n] of inner.keys) count(key, n);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases = Math.min(LARGE, total.aliases + inner.aliases);
      total.rootFields = Math.min(LARGE, total.rootFields + inner.rootFields);
      total.duplicates = Math.max(total.duplicates, inner.duplicates);
    }
    return total;
  };
  return ofSet;
}
