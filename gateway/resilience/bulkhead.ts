/**
 * Bulkheads (stage: HTTP): at most `bulkhead.maxConcurrent` calls to one subgraph in flight; the
 * next `maxQueue` wait their turn, first come first served, while their signal and deadline allow;
 * past the queue a call fails at once with SUBGRAPH_OVERLOADED. One slow subgraph then holds its
 * own slots, never every connection and every request of the gateway. Readiness probes pass.
 */
import { deadlineOf } from '../../core/deadline.ts';
import { gatewayError } from '../../core/errors.ts';
import type { HttpInterceptor, UpstreamRequest } from '../../core/http-client.ts';
import type { ResilienceSettings } from './settings.ts';

interface Waiter {
  admit(): void;
}

class Compartment {
  inFlight = 0;
  readonly queue = new Set<Waiter>();
  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {}

  release(): void {
    const next = this.queue.values().next();
    if (next.done) this.inFlight--;
    else {
      // The slot passes to the first waiter: in flight stays the same.
      this.queue.delete(next.value);
      next.value.admit();
    }
  }
}

/** `defaultTimeout` bounds a wait in the queue for a call with no timeout of its own (`upstream.requestTimeout`). */
export function createBulkheads(settings: ResilienceSettings, defaultTimeout: number): HttpInterceptor {
  const compartments = new Map<string, Compartment>();
  const compartmentOf = (serviceName: string) => {
    let compartment = compartments.get(serviceName);
    if (compartment === undefined) {
      const { maxConcurrent, maxQueue } = settings(serviceName).bulkhead;
      compartment = new Compartment(maxConcurrent, maxQueue);
      compartments.set(serviceName, compartment);
    }
    return compartment;
  };

  return (next) =>
    async function bulkhead(request) {
      if (request.kind === 'health-check') return next(request);
      const compartment = compartmentOf(request.serviceName);
      if (compartment.inFlight < compartment.maxConcurrent) compartment.inFlight++;
      else await waitForSlot(compartment, request, defaultTimeout);
      try {
        return await next(request);
      } finally {
        compartment.release();
      }
    };
}

function waitForSlot(
  compartment: Compartment,
  request: UpstreamRequest,
  defaultTimeout: number,
): Promise<void> {
  const overloaded = (why: string) =>
    gatewayError(
      'SUBGRAPH_OVERLOADED',
      `${request.serviceName} has too many calls in flight (${why}): not called`,
      {
        serviceName: request.serviceName,
      },
    );
  if (compartment.queue.size >= compartment.maxQueue) {
    return Promise.reject(
      overloaded(`${compartment.maxConcurrent} in flight, ${compartment.maxQueue} waiting`),
    );
  }
  const { signal } = request;
  if (signal?.aborted) return Promise.reject(overloaded('its client went away'));
  return new Promise<void>((resolve, reject) => {
    const deadline = deadlineOf(signal);
    const wait = Math.min(
      request.timeout ?? defaultTimeout,
      deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now(),
    );
    const giveUp = (why: string) => {
      compartment.queue.delete(waiter);
      cleanup();
      reject(overloaded(why));
    };
    const onAbort = () => giveUp('its client went away while it waited');
    const timer = setTimeout(() => giveUp('it waited past its deadline'), Math.max(0, wait));
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const waiter: Waiter = {
      admit: () => {
        cleanup();
        resolve();
      },
    };
    compartment.queue.add(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
