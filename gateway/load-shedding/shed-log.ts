/**
 * The warning for shed requests, throttled: under overload thousands of requests a second may be
 * shed, and one line each would bury the log (and cost what shedding saves). The first shed is
 * logged at once; the ones that follow within the interval are counted by class and logged
 * together when it ends (by an unref'd timer, so a burst's tail is never lost).
 */
import type { Logger } from '../logger/index.ts';

/** What the gate looked like when a request was shed. */
export interface ShedState {
  inFlight: number;
  limit: number;
}

/** Records shed requests; `close` stops its timer (the count pending is logged first). */
export interface ShedLog {
  shed(className: string, state: ShedState): void;
  close(): void;
}

/** A shed log writing at most one warning per `intervalMs` to `logger`. */
export function createShedLog(logger: Logger, intervalMs = 1_000): ShedLog {
  let counts = new Map<string, number>();
  let last: ShedState = { inFlight: 0, limit: 0 };
  let timer: NodeJS.Timeout | undefined;
  let quietUntil = 0;
  const flush = () => {
    timer = undefined;
    if (counts.size === 0) return;
    write(counts, last);
    counts = new Map();
    quietUntil = Date.now() + intervalMs;
  };
  const write = (byClass: ReadonlyMap<string, number>, state: ShedState) => {
    let total = 0;
    for (const n of byClass.values()) total += n;
    logger.warn(`load shedding: ${total} request(s) shed (HTTP 503 GATEWAY_OVERLOADED)`, {
      byClass: Object.fromEntries(byClass),
      inFlight: state.inFlight,
      limit: state.limit,
    });
  };
  return {
    shed(className, state) {
      last = state;
      if (timer === undefined && Date.now() >= quietUntil) {
        write(new Map([[className, 1]]), state);
        quietUntil = Date.now() + intervalMs;
        return;
      }
      counts.set(className, (counts.get(className) ?? 0) + 1);
      if (timer === undefined) {
        timer = setTimeout(flush, Math.max(0, quietUntil - Date.now()));
        timer.unref();
      }
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      flush();
    },
  };
}
