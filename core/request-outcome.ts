/**
 * A request a room has refused at the `onParams` stage. Yoga's `setResult` in `onParams` does not
 * stop the hooks after it, and the last `setResult` wins: without a mark, a later room could
 * replace the auth room's 401 with its own answer (PERSISTED_QUERY_NOT_FOUND, a limit,
 * SCHEMA_NOT_READY), or act on the request (store an APQ document, spend a rate limit). So a room
 * whose `onParams` refuses ends the request with `endRequest`, and every `onParams` hook returns
 * at once when `isRequestEnded` says so: the first refusal is the answer. Kept per request in a
 * `WeakSet` keyed by the client's `Request` (as `identity.ts` does). A leaf: imports nothing.
 */

const ended = new WeakSet<Request>();

/** What `endRequest` needs of Yoga's `onParams` payload (pass the payload itself). */
export interface OnParamsRefusal<Result> {
  request: Request;
  setParams(params: { query: string }): void;
  setResult(result: Result): void;
}

/**
 * Refuses the hook's request with `result` and marks it ended, so that no later `onParams` hook
 * touches it. The params become an empty query: Yoga's own parameter check (an `onParams` hook
 * after ours) then accepts them whatever the client sent (no `query`, a `documentId`), and
 * nothing of them is read again; the result set here is the answer.
 */
export function endRequest<Result>(hook: OnParamsRefusal<Result>, result: Result): void {
  ended.add(hook.request);
  hook.setParams({ query: '' });
  hook.setResult(result);
}

/** True when an earlier `onParams` hook refused `request` (`endRequest`): return at once. */
export function isRequestEnded(request: Request): boolean {
  return ended.has(request);
}
