/**
 * Graceful shutdown of the HTTP server (stage: request). Without it, `server.close()` waits for
 * every keep-alive connection to time out (65 s) before it resolves.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The requests a server is answering (stage: request), and its graceful close. */
export interface InFlight {
  /**
   * From now on, every request in flight (and any that still arrives on an open connection) is
   * answered with `Connection: close`, and each connection closes as it goes idle.
   */
  drain(): void;
  /**
   * Resolves once every request in flight now has been answered (or its connection lost), or
   * after `timeout` ms; requests that arrive later are not waited for. A gateway swapped out by a
   * reload is closed once it resolves.
   */
  settled(timeout: number): Promise<void>;
}

/**
 * Tracks the requests `server` is answering. Without its `drain()`, `server.close()` waits for
 * keep-alive connections to time out (65 s).
 */
export function closeConnectionsOnceAnswered(server: Server): InFlight {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining && !response.headersSent) response.setHeader('connection', 'close');
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    // A response whose headers were sent before the drain keeps its connection: close it when idle.
    response.once('finish', () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    drain() {
      draining = true;
      for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
      server.closeIdleConnections();
    },
    async settled(timeout) {
      const waits = [...inFlight].map(
        (response) => new Promise<void>((resolve) => response.once('close', () => resolve())),
      );
      if (waits.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeout);
        timer.unref();
      });
      await Promise.race([Promise.all(waits), deadline]);
      clearTimeout(timer);
    },
  };
}
