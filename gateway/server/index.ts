/**
 * The HTTP server (stage: request): listen on the configured address, and close gracefully
 * (stop accepting, let requests in flight finish for at most `shutdownTimeout`, then cut the
 * connections still open).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatehouseError } from '../../core/errors.ts';
import { closeConnectionsOnceAnswered } from './drain.ts';

export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Path of the GraphQL endpoint, for the URL returned. */
  graphqlPath: string;
  /** How long requests in flight may take to finish once closing starts, in milliseconds. */
  shutdownTimeout: number;
}

export interface Listening {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, drains, and resolves once every connection is closed. */
  close(): Promise<void>;
  /** Resolves once the requests in flight now are answered, or after `timeout` ms (`drain.ts`). */
  settled(timeout: number): Promise<void>;
}

export async function listen(handler: RequestListener, options: ListenOptions): Promise<Listening> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout (60 s)
  const inFlight = closeConnectionsOnceAnswered(server);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, options));
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      // Only our own listener: one a caller added on the server stays.
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}${options.graphqlPath}`,
    port,
    server,
    settled: (timeout) => inFlight.settled(timeout),
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      inFlight.drain();
      // Orchestrators kill a process that takes too long to stop: past the grace period, the
      // requests still in flight lose their connections rather than the whole process.
      const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownTimeout);
      deadline.unref();
      await closing;
      clearTimeout(deadline);
    },
  };
}

/** The port in use or refused, said with the way to change it. */
function listenError(error: NodeJS.ErrnoException, options: ListenOptions): Error {
  const where = `${options.host}:${options.port}`;
  const change = 'choose another port with --port <n>, server.port in the config, or GATEHOUSE_PORT';
  if (error.code === 'EADDRINUSE') {
    return new GatehouseError(
      'CONFIG_INVALID',
      `cannot listen on ${where}: port ${options.port} is in use (EADDRINUSE)`,
      [change],
      {
        cause: error,
      },
    );
  }
  if (error.code === 'EACCES') {
    return new GatehouseError(
      'CONFIG_INVALID',
      `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`,
      [change],
      { cause: error },
    );
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new GatehouseError(
      'CONFIG_INVALID',
      `cannot listen on ${where}: no such address on this machine`,
      ['choose another address with --host <addr>, server.host in the config, or GATEHOUSE_HOST'],
      { cause: error },
    );
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new GatehouseError(
      'CONFIG_INVALID',
      `cannot listen on ${where}: the host name ${options.host} does not resolve (${error.code})`,
      [
        'use an address of this machine (0.0.0.0, 127.0.0.1, ::) or a name that resolves to one, with --host <addr>, server.host in the config, or GATEHOUSE_HOST',
      ],
      { cause: error },
    );
  }
  return error;
}
