/**
 * prom-client's process metrics (CPU, memory, event loop lag, GC), prefixed `gatehouse_`, on one
 * registry for the whole process, made the first time a gateway asks for them and kept. They
 * describe the process, not a gateway, and making them starts an event-loop-delay monitor and a
 * GC observer that are never stopped: made per gateway, every SIGHUP reload would leak one of each.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/** The process-wide registry of the process metrics (made on the first call). */
export function processRegistry(prefix: string): Registry {
  if (registry === undefined) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix });
  }
  return registry;
}
