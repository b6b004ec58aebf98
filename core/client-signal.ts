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
