/**
 * Whether the operation of a request runs rewritten for its caller: the field-policies room took
 * fields out of it (a policy refused them, or a field rate limit did) and answers them `null`
 * with errors. Rooms that keep answers (the response cache) leave such an operation alone: its
 * answer is this caller's, patched after it runs. This file is a leaf: it imports nothing of
 * ours, so every room may depend on it.
 */

const rewritten = new WeakSet<Request>();

/** Records that the operation of `request` lost fields (the field-policies room). */
export function markRewritten(request: Request): void {
  rewritten.add(request);
}

/** Whether the operation of `request` lost fields for its caller. */
export function isRewritten(request: Request | undefined): boolean {
  return request !== undefined && rewritten.has(request);
}
