/**
 * Request deadlines, shared by the room that sets them (gateway/resilience, request stage) and the
 * steps that honour them (the HTTP client, dedup, retries, bulkheads). A deadline is kept by the
 * client request's abort signal, which every kind of backend passes down with its calls
 * (`clientSignal`), so the HTTP client finds it whatever engine or adapter made the call. A leaf:
 * imports nothing of the gateway.
 */

const deadlines = new WeakMap<object, number>();
// Signals of requests whose client asked for a shorter deadline than the gateway's.
const askedByClient = new WeakSet<object>();
// GATEWAY_TIMEOUT errors raised because a request's deadline came (not a call's own timeout).
const deadlineErrors = new WeakSet<object>();

/**
 * Sets the epoch milliseconds by which the request of `signal` must be answered, unless set;
 * `askedByClient` when a client header made it shorter than the gateway's own.
 */
export function setDeadline(signal: AbortSignal, at: number, asked = false): void {
  if (deadlines.has(signal)) return;
  deadlines.set(signal, at);
  if (asked) askedByClient.add(signal);
}

/**
 * True when the client of `signal` asked for a shorter deadline than the gateway's: a call its
 * deadline cut says nothing of the backend then (the client may ask for a few milliseconds). A
 * call cut by the gateway's own deadline was too slow, and counts as a timeout.
 */
export function isClientDeadline(signal: AbortSignal | undefined): boolean {
  return signal !== undefined && askedByClient.has(signal);
}

/** The epoch milliseconds by which the request whose signal this is must be answered. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal === undefined ? undefined : deadlines.get(signal);
}

/** Marks `error` as raised by a request's deadline; returns it. */
export function markDeadlineError<T extends object>(error: T): T {
  deadlineErrors.add(error);
  return error;
}

/**
 * True when `error` is a timeout of a request's deadline: it says nothing of the backend (a
 * client may ask for a deadline of a few milliseconds), so breakers, outlier ejection and
 * retries leave it alone.
 */
export function isDeadlineError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && deadlineErrors.has(error);
}
