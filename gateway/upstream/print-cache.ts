import type { DocumentNode } from 'graphql';
import { print } from 'graphql';

// Documents built by the planner are reused across requests for the same operation, so printing
// each one once saves a full AST walk per upstream call. Keyed weakly: no growth with new documents.
const printed = new WeakMap<DocumentNode, string>();

/** `print(document)`, computed once per document object. */
export function printCached(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}
