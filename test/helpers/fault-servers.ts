/**
 * Small scripted upstreams that misbehave in one way each, on 127.0.0.1 port 0, for fault tests.
 * Each counts the requests and the TCP connections it got, and closes every socket on `close()`
 * (a slow server holds requests open forever otherwise).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Nothing listens: the port was bound, then closed (connection refused). */
  | 'down'
  /** Accepts the request and never answers. */
  | 'slow'
  /** 500 with an HTML page, like a proxy's error page. */
  | 'html-500'
  /** 200 with a body that is not JSON. */
  | 'not-json'
  /** 200 with JSON that is not a GraphQL response. */
  | 'not-graphql'
  /** Sends the headers and part of the body, then resets the connection. */
  | 'reset'
  /** Sends the headers and part of the body, then nothing more. */
  | 'stall-body'
  /** A GraphQL response: `data` with the field null and an `errors` list (code `FORBIDDEN`). */
  | 'graphql-errors'
  /** `data: null` and one error with no path and no code, as a crashed resolver layer sends. */
  | 'graphql-errors-no-data'
  /**
   * 200 with a valid GraphQL answer of `options.bytes` bytes (`{"data":{"<field>":"xxx..."}}`),
   * streamed in chunks of 64 KiB; with `content-length` unless `options.contentLength` is false.
   */
  | 'huge';

export interface FaultServer {
  /** The endpoint, `http://127.0.0.1:<port>/graphql`. */
  url: string;
  port: number;
  /** HTTP requests received. */
  requests(): number;
  /** TCP connections accepted. */
  connections(): number;
  /** Requests whose connection closed before they were answered (the client gave up). */
  aborted(): number;
  /** A `huge` server with `holdHalfway`: sends the rest of the answers held, and holds no more. */
  resume(): void;
  close(): Promise<void>;
}

/** The error a `graphql-errors` server returns; the field it names is set to null. */
export const SUBGRAPH_ERROR_CODE = 'FORBIDDEN';

export interface FaultOptions {
  /** The root field a `graphql-errors` server answers null, and a `huge` server fills. @default 'broken' */
  field?: string;
  /** The size in bytes of a `huge` server's answers (at least the JSON around the string). @default 1 MiB */
  bytes?: number;
  /** Whether a `huge` server announces its answers' length (else they are chunked). @default true */
  contentLength?: boolean;
  /**
   * A `huge` server sends the first half of each answer, then holds the rest until `resume()`,
   * so that answers are in flight together however fast the client reads. @default false
   */
  holdHalfway?: boolean;
}

/** Starts a server with the given fault. */
export async function startFaultServer(fault: Fault, options: FaultOptions = {}): Promise<FaultServer> {
  if (fault === 'down') return closedPort();
  const field = options.field ?? 'broken';
  const huge = fault === 'huge' ? hugeAnswer(field, options.bytes ?? 1024 * 1024) : undefined;
  const contentLength = options.contentLength ?? true;
  let held: Array<() => void> | undefined = options.holdHalfway ? [] : undefined;
  /** Keeps `rest` for `resume()`; false once resumed. */
  const hold = (rest: () => void) => held?.push(rest) !== undefined;
  let requests = 0;
  let connections = 0;
  let aborted = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests++;
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
    // Read the whole request first so that the answer is not racing the upload.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (fault === 'huge')
        return streamHuge(huge!, contentLength, options.holdHalfway ? hold : undefined, res);
      answer(fault, field, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    requests: () => requests,
    connections: () => connections,
    aborted: () => aborted,
    resume() {
      const rest = held ?? [];
      held = undefined;
      for (const send of rest) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        held = undefined;
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function answer(fault: Exclude<Fault, 'down' | 'huge'>, field: string, body: string, res: ServerResponse) {
  switch (fault) {
    case 'slow':
      return; // never answers; the socket is destroyed on close()
    case 'html-500':
      return send(res, 500, 'text/html', '<html><body><h1>500 Internal Server Error</h1></body></html>');
    case 'not-json':
      return send(res, 200, 'application/json', 'this is not json {');
    case 'not-graphql':
      return send(res, 200, 'application/json', JSON.stringify({ hello: 'world', status: 'ok' }));
    case 'reset':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"');
      // Give the partial body a chance to leave before the reset.
      setImmediate(() => res.socket?.resetAndDestroy());
      return;
    case 'stall-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"');
      return; // the rest never comes; the socket is destroyed on close()
    case 'graphql-errors':
      return send(res, 200, 'application/json', JSON.stringify(graphqlErrors(field, body)));
    case 'graphql-errors-no-data':
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({ data: null, errors: [{ message: 'boom' }] }),
      );
  }
}

/** `field: null` with an error at its path; for an entity fetch, one null entity and error per representation. */
function graphqlErrors(field: string, body: string) {
  const extensions = { code: SUBGRAPH_ERROR_CODE };
  const request = JSON.parse(body) as { query?: string; variables?: { representations?: unknown[] } };
  const representations = request.variables?.representations;
  if (request.query?.includes('_entities') && Array.isArray(representations)) {
    return {
      data: { _entities: representations.map(() => null) },
      errors: representations.map((_, i) => ({ message: 'not allowed', path: ['_entities', i], extensions })),
    };
  }
  return { data: { [field]: null }, errors: [{ message: 'not allowed', path: [field], extensions }] };
}

const HUGE_CHUNK = 64 * 1024; // 64 KiB

/** A GraphQL answer of exactly `bytes` bytes (ASCII), built once per server. */
function hugeAnswer(field: string, bytes: number): Buffer {
  const head = `{"data":{${JSON.stringify(field)}:"`;
  const tail = '"}}';
  const fill = Math.max(0, bytes - head.length - tail.length);
  return Buffer.from(`${head}${'x'.repeat(fill)}${tail}`);
}

/**
 * Writes `body` in 64 KiB chunks, one per turn of the event loop, waiting for the socket to
 * drain; with `hold`, gives it the rest once half is written (it returns false to go on at once).
 * Stops when the client goes away.
 */
function streamHuge(
  body: Buffer,
  contentLength: boolean,
  hold: ((rest: () => void) => boolean) | undefined,
  res: ServerResponse,
) {
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  if (contentLength) headers['content-length'] = body.length;
  res.writeHead(200, headers);
  let half = hold ? Math.floor(body.length / 2) : -1;
  let offset = 0;
  const write = () => {
    if (res.destroyed) return;
    if (offset === half) {
      half = -1;
      if (hold?.(write)) return;
    }
    const end = offset < half ? Math.min(offset + HUGE_CHUNK, half) : offset + HUGE_CHUNK;
    const chunk = body.subarray(offset, end);
    offset += chunk.length;
    if (offset >= body.length) res.end(chunk);
    else if (res.write(chunk)) setImmediate(write);
    else res.once('drain', write);
  };
  write();
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * A port where nothing listens, for a subgraph that is down: 9 (discard), below 1024, so that no
 * test's server (they listen on port 0, in the ephemeral range) can take it while test files run in
 * parallel, as one could take a port `freePort()` found free a moment before.
 */
export const CLOSED_PORT = 9;

/**
 * A port that was free a moment ago and has nothing listening on it now, for a server the test
 * starts on it later; for a port that must stay closed, use `CLOSED_PORT`.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function closedPort(): Promise<FaultServer> {
  const port = CLOSED_PORT;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    requests: () => 0,
    connections: () => 0,
    aborted: () => 0,
    resume: () => {},
    close: async () => {},
  };
}
