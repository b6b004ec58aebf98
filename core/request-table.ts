/**
 * Facts kept beside an `ExecutionRequest` rather than in it (its kind, its body, its headers):
 * nothing of them goes on the wire as a field of the request. A step that must change the request
 * (the dedup step gives the shared call its own signal) derives a copy with `deriveRequest`; every
 * table reads through to the request the copy was derived from, so no fact is lost on the way.
 */
import type { ExecutionRequest } from '@graphql-tools/utils';

const parents = new WeakMap<ExecutionRequest, ExecutionRequest>();

/** A shallow copy of `request` with `changes`; the tables of `requestTable()` see the original's facts. */
export function deriveRequest(
  request: ExecutionRequest,
  // Only the signal: a copy with another document or variables would read the original's body.
  changes: Pick<ExecutionRequest, 'signal'>,
): ExecutionRequest {
  const derived = { ...request, ...changes };
  parents.set(derived, request);
  return derived;
}

export interface RequestTable<T> {
  get(request: ExecutionRequest): T | undefined;
  set(request: ExecutionRequest, value: T): void;
}

/** A WeakMap keyed by requests that reads through derived copies to the request they came from. */
export function requestTable<T>(): RequestTable<T> {
  const values = new WeakMap<ExecutionRequest, T>();
  return {
    get(request) {
      for (let r: ExecutionRequest | undefined = request; r !== undefined; r = parents.get(r)) {
        const value = values.get(r);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    set(request, value) {
      values.set(request, value);
    },
  };
}
