/** Starting an example server on loopback and wrapping it as a `RunningServer`. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from './serve-graphql.ts';

export interface ListenOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Appended to the base URL, e.g. `/graphql`. @default '' */
  path?: string;
  /** Requests counted so far, and how to zero the count. */
  counter: { requests(): number; reset(): void };
}

/** Listens with keep-alive on, and returns the server's URL, counter and `close()`. */
export async function listenOnLoopback(server: Server, options: ListenOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${options.path ?? ''}`,
    port,
    requests: options.counter.requests,
    resetRequests: options.counter.reset,
    close,
    [Symbol.asyncDispose]: close,
    server,
  };
}
