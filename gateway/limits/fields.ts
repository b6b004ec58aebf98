/**
 * Expanded operation size (`limits.maxFields`). An operation is planned and projected field by field after
 * its fragments are expanded, so a few hundred characters of nested fragments spread twice at
 * each level (`fragment F3 on Node { a { ...F2 } b { ...F2 } }`) stand for millions of fields and
 * would hold the event loop for minutes. Each operation's expanded field count is computed once
 * per document, in time linear in the document (each fragment counted once, then multiplied
 * wherever it is spread), and an operation over `limits.maxFields` gets OPERATION_LIMIT_EXCEEDED
 * before it is planned or anything is sent upstream.
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  getOperationAST,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { limitExceeded } from './refuse.ts';

/** OPERATION_LIMIT_EXCEEDED when `operationName` of `document` selects more than `maxFields` (0: none). */
export function fieldsRefusal(
  document: DocumentNode,
  operationName: string | null | undefined,
  maxFields: number,
): GraphQLError | undefined {
  if (maxFields === 0) return undefined;
  const fields = expandedFieldCount(document, operationName ?? undefined);
  if (fields <= maxFields) return undefined;
  return limitExceeded(
    'maxFields',
    `the operation selects ${fields >= LARGE ? `more than ${LARGE}` : fields} fields once its fragments are expanded; the limit is ${maxFields}`,
  );
}

// Counts saturate here: past it the exact number is of no use, and it stays a safe integer.
const LARGE = 1_000_000_000;
const counts = new WeakMap<DocumentNode, Map<string, number>>();

/** Fields `operationName` of `document` selects with every fragment expanded (0 for none). */
export function expandedFieldCount(document: DocumentNode, operationName: string | undefined): number {
  let byName = counts.get(document);
  if (byName === undefined) {
    byName = new Map();
    counts.set(document, byName);
  }
  const key = operationName ?? '';
  let count = byName.get(key);
  if (count === undefined) {
    const operation = getOperationAST(document, operationName);
    count = operation ? countOf(document, operation.selectionSet) : 0;
    byName.set(key, count);
  }
  return count;
}

function countOf(document: DocumentNode, root: SelectionSetNode): number {
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
      if (total > LARGE) return LARGE;
    }
    return total;
  };
  const ofFragment = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Unknown or cyclic spreads are validation errors; they count for nothing here.
    if (fragment === undefined || visiting.has(name)) return 0;
    visiting.add(name);
    const count = ofSet(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, count);
    return count;
  };
  return ofSet(root);
}
