/**
 * The text of a subgraph operation, computed once per document object: documents built by a
 * planner are reused across requests, so printing each one once saves a full AST walk per call.
 * Keyed weakly: no growth with new documents.
 */
import type { DocumentNode } from 'graphql';
import { print } from 'graphql';

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

/**
 * Records `text` as the printed form of `document`, parsed from it: a plan's operations arrive as
 * text, so the body sent upstream is that text, not a reprint of the parsed document.
 */
export function rememberPrinted(document: DocumentNode, text: string): void {
  printed.set(document, text);
}
