/**
 * Expanded operation size (`limits.maxFields`), checked with the other document limits when the
 * document is parsed. An operation is planned and projected field by field after its fragments
 * are expanded, so a few hundred characters of nested fragments spread twice at each level
 * (`fragment F3 on Node { a { ...F2 } b { ...F2 } }`) stand for millions of fields and would hold
 * the event loop for minutes. The count never expands a fragment: each is counted once, its count
 * remembered and added wherever it is spread, and counting stops as soon as a selection set
 * passes the limit (a set's count never exceeds that of the sets around it), so a fragment bomb
 * costs at most one visit of each node of its text.
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { limitExceeded } from './refuse.ts';

/** OPERATION_LIMIT_EXCEEDED when an operation of `document` selects more than `maxFields` (0: none). */
export function fieldsRefusal(
  document: DocumentNode,
  operations: readonly OperationDefinitionNode[],
  maxFields: number,
): GraphQLError | undefined {
  if (maxFields === 0) return undefined;
  const count = fieldCounter(document, maxFields);
  for (const operation of operations) {
    if (count(operation.selectionSet) > maxFields) {
      return limitExceeded(
        'maxFields',
        `an operation selects more than ${maxFields} fields once its fragments are expanded; the limit is ${maxFields}`,
      );
    }
  }
  return undefined;
}

/**
 * The fields `operationName` of `document` selects, fragments expanded (0 for none); past `max`,
 * an unfinished count that only tells "more than `max`". For a document made after the parse-time
 * check (the field policies' rewrite, where a field kept for several types is selected per type).
 */
export function expandedFieldCount(
  document: DocumentNode,
  operationName: string | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const operation = getOperationAST(document, operationName);
  return operation ? fieldCounter(document, max)(operation.selectionSet) : 0;
}

/**
 * Counts the fields of selection sets of `document`, fragments expanded, each fragment once.
 * A count past `max` is returned as soon as it is known, unfinished: only "more than `max`"
 * matters then. Unknown or cyclic spreads (validation errors) count for nothing.
 */
function fieldCounter(document: DocumentNode, max: number) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const ofSet = (set: SelectionSetNode): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += 1 + (selection.selectionSet ? ofSet(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += ofSet(selection.selectionSet);
      } else {
        total += ofFragment(selection.name.value);
      }
      if (total > max) return total;
    }
    return total;
  };
  const ofFragment = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (fragment === undefined || visiting.has(name)) return 0;
    visiting.add(name);
    const count = ofSet(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, count);
    return count;
  };
  return ofSet;
}
