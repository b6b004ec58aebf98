/**
 * The name of the operation a document begins with, for labels and rules that must tell an
 * operation before (or without) parsing it: metrics, the access log, load-shedding classes.
 */

// `query Name` (or mutation, subscription) at the start of what `leadingOperationName` reads:
// anchored and with no nested repetition, so it runs in linear time whatever the client sent.
const OPERATION_HEAD = /^(?:query|mutation|subscription)[ \t\n\r,]+([_A-Za-z][_0-9A-Za-z]*)/;
// Only the document's first characters are looked at: a name is for a label, not worth a scan.
const HEAD_CHARS = 1024;

/**
 * The name of the operation a document begins with (`query Name`, after spaces, commas and
 * comments), read without a backtracking regex over the client's text: a hand-written skip of
 * the ignored tokens, then one anchored match. Undefined when there is none in the first 1 KiB.
 */
export function leadingOperationName(query: string): string | undefined {
  const end = Math.min(query.length, HEAD_CHARS);
  let i = 0;
  while (i < end) {
    const c = query.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < end && query.charCodeAt(i) !== 0x0a && query.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c || c === 0xfeff) i++;
    else break;
  }
  return OPERATION_HEAD.exec(query.slice(i, end))?.[1];
}
