/**
 * The listener of `metrics.port`: the metrics on a port of their own, so that the gateway's port
 * can be public while the metrics stay internal. It runs whatever handler `current()` gives when
 * a request comes in, so a process whose gateway is replaced by a reload keeps one listener and
 * serves the metrics of the gateway in service.
 */
import type { RequestListener } from 'node:http';
import { listenOwnPort, type OwnPortListening } from '../server/own-port.ts';

export type MetricsListening = OwnPortListening;

export async function listenMetrics(
  host: string,
  port: number,
  current: () => RequestListener | undefined,
): Promise<MetricsListening> {
  return listenOwnPort({
    host,
    port,
    current,
    what: 'metrics',
    fix: 'choose another `metrics.port`, or leave it out to serve metrics at `metrics.path` of the gateway',
  });
}
