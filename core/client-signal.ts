import type { ExecutionRequest } from '@graphql-tools/utils';

/**
 * The signal that aborts when the client goes away. The federation planner does not pass the
 * operation's signal on to subgraph requests, so it is taken from the context, where Yoga keeps
 * the client's Fetch `Request`.
 */
export function clientSignal(request: ExecutionRequest): AbortSignal | undefined {
  if (request.signal) return request.signal;
  const signal = (request.context as { request?: { signal?: unknown } } | undefined)?.request?.signal;
  return isSignal(signal) ? signal : undefined;
}

function isSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).aborted === 'boolean'
  );
}

const rootSignals = new WeakMap<object, AbortSignal>();

/**
 * Records the signal of the subgraph call whose in-process execution has `root` as its root value
 * (a plain GraphQL service runs graphql-js, which passes no signal to its delegations): the
 * service's own requests then carry the call's signal, not the client operation's. For a call
 * shared by dedup, that is the call's own signal: one caller's deadline or departure never cuts it.
 */
export function setRootSignal(root: object, signal: AbortSignal | undefined): void {
  if (signal !== undefined) rootSignals.set(root, signal);
}

/** The signal recorded for the in-process call whose root value is `root`. */
export function signalOfRoot(root: unknown): AbortSignal | undefined {
  return typeof root === 'object' && root !== null ? rootSignals.get(root) : undefined;
}
