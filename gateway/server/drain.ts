/**
 * Graceful shutdown of the HTTP server (stage: request). Without it, `server.close()` waits for
 * every keep-alive connection to time out (65 s) before it resolves.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Returns a function that, once called, answers every request in flight (and any that still
 * arrives on an open connection) with `Connection: close`, and closes each connection as it goes
 * idle. Without it, `server.close()` waits for keep-alive connections to time out (65 s).
 */
export function closeConnectionsOnceAnswered(server: Server): () => void {
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
  return () => {
    draining = true;
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    server.closeIdleConnections();
  };
}
