/**
 * The listener of `metrics.port`: the metrics on a port of their own, so that the gateway's port
 * can be public while the metrics stay internal. It runs whatever handler `current()` gives when
 * a request comes in, so a process whose gateway is replaced by a reload keeps one listener and
 * serves the metrics of the gateway in service.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatehouseError } from '../../core/errors.ts';

export interface MetricsListening {
  port: number;
  close(): Promise<void>;
}

export async function listenMetrics(
  host: string,
  port: number,
  current: () => RequestListener | undefined,
): Promise<MetricsListening> {
  const server = createServer(function metricsRequest(req, res) {
    const handler = current();
    if (handler === undefined) res.writeHead(503).end();
    else handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new GatehouseError(
          'CONFIG_INVALID',
          `cannot serve metrics on ${host}:${port} (${error.code ?? error.message})`,
          [
            'choose another `metrics.port`, or leave it out to serve metrics at `metrics.path` of the gateway',
          ],
          { cause: error },
        ),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
