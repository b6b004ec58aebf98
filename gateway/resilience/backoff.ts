/**
 * How long to wait before a retry: exponential backoff with full jitter (a random wait between 0
 * and `baseDelay × 2^(retry - 1)`, capped at `maxDelay`), so retries of many callers spread out
 * instead of arriving together; and a backend's `Retry-After`, which is waited for when it says
 * longer.
 */

/** The wait before retry number `retry` (1 for the first). */
export function backoffDelay(
  retry: number,
  baseDelay: number,
  maxDelay: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelay, baseDelay * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header in milliseconds (seconds, or an HTTP date), or undefined when it is
 * absent or not one of those.
 */
export function retryAfterMs(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or at once when `signal` aborts (then the caller checks it). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
