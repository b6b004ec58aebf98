/**
 * A listener on a port of its own (`metrics.port`, `admin.port`): an endpoint kept off the
 * gateway's public port. It runs whatever handler `current()` gives when a request comes in (503
 * when there is none), so a process whose gateway a reload replaces keeps one listener and serves
 * the endpoint of the gateway in service.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatehouseError } from '../../core/errors.ts';

export interface OwnPortListening {
  port: number;
  close(): Promise<void>;
}

export interface OwnPortOptions {
  host: string;
  port: number;
  current: () => RequestListener | undefined;
  /** What is served, for the error when the port cannot be had: `metrics`, `the admin endpoint`. */
  what: string;
  /** The fix said with that error. */
  fix: string;
}

/** Listens on `host:port`; CONFIG_INVALID (with `fix`) when the port cannot be had. */
export async function listenOwnPort(options: OwnPortOptions): Promise<OwnPortListening> {
  const { host, port, current } = options;
  const server = createServer(function ownPortRequest(req, res) {
    const handler = current();
    if (handler === undefined) res.writeHead(503).end();
    else handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new GatehouseError(
          'CONFIG_INVALID',
          `cannot serve ${options.what} on ${host}:${port} (${error.code ?? error.message})`,
          [options.fix],
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
