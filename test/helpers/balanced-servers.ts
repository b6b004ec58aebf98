/**
 * Small federation subgraphs on 127.0.0.1 for load-balancing tests: each answers its SDL to
 * `_service`, a fixed `data` to any other query that names `field`, `__typename` to the rest, and
 * `GET /health` with 200 (or 503 once `setHealthy(false)`). It counts the queries naming `field`
 * (schema loads and health checks aside), can be stopped (every socket destroyed: connection
 * refused from then on) and started again on the same port.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

export interface BalancedServer {
  /** `http://127.0.0.1:<port>/graphql`, the same after a restart. */
  url: string;
  port: number;
  /** Queries naming `field` answered since the server was made (across restarts). */
  hits(): number;
  /** `GET /health` answers 503 while false. */
  setHealthy(healthy: boolean): void;
  /** Stops listening and destroys every connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

/** A subgraph whose SDL is `type Query { <field>: String }`, answering `value` for it. */
export async function startBalancedServer(field: string, value: string): Promise<BalancedServer> {
  const sdl = `${LINK}\ntype Query { ${field}: String }`;
  let hits = 0;
  let healthy = true;
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const handle = (
    method: string | undefined,
    path: string | undefined,
    body: string,
    res: ServerResponse,
  ) => {
    if (method === 'GET') {
      return path === '/health'
        ? send(res, healthy ? 200 : 503, { status: healthy ? 'up' : 'down' })
        : send(res, 404, {});
    }
    if (body.includes('_service')) return send(res, 200, { data: { _service: { sdl } } });
    if (body.includes(field)) {
      hits++;
      return send(res, 200, { data: { [field]: value } });
    }
    return send(res, 200, { data: { __typename: 'Query' } });
  };

  const listen = async () => {
    const made = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handle(req.method, req.url, Buffer.concat(chunks).toString('utf8'), res));
    });
    made.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      made.once('error', reject);
      made.listen(port, '127.0.0.1', () => resolve());
    });
    port = (made.address() as AddressInfo).port;
    server = made;
  };
  await listen();

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    hits: () => hits,
    setHealthy: (value) => {
      healthy = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (server === undefined) return resolve();
        server.close(() => resolve());
        server = undefined;
        for (const socket of sockets) socket.destroy();
      }),
    restart: listen,
  };
}

function send(res: ServerResponse, status: number, value: unknown) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Polls `check` every 20 ms until it is true; fails after `deadline` ms. */
export async function waitFor(check: () => boolean, what: string, deadline = 10_000): Promise<void> {
  const end = Date.now() + deadline;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
