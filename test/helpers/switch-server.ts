/**
 * A federation subgraph whose behaviour a test switches while it runs: it answers, hangs, fails
 * with an HTTP status, answers late, resets the connection, answers garbage, an entity too few or a
 * huge body; `down()` stops it listening (connection refused) until `up()`. On 127.0.0.1 port 0.
 * Its SDL goes to a file (`schemaFile`) so that it composes whatever mode it is in.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type SwitchMode =
  | { kind: 'ok' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'slow'; ms: number }
  /** Reads the request, then resets the connection (TCP RST) without answering. */
  | { kind: 'reset' }
  /** 200 `application/json` with a body that is not JSON. */
  | { kind: 'garbage' }
  /** Answers `_entities` with one entity fewer than the representations (other fields as `ok`). */
  | { kind: 'wrong-entity-count' }
  /** 200 with a valid answer of `bytes` bytes: `flaky` is a long string. */
  | { kind: 'huge'; bytes: number };

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** `flaky` answers `"fine"`; `poke` (a mutation) counts. */
export const SWITCH_SDL = `${LINK}
  type Query { flaky: String }
  type Mutation { poke: Int }
`;

/** The price every `Product` gets from a server started with `entities: true`. */
export const SWITCH_PRICE = 7;

/** `SWITCH_SDL` plus `Product.price`, for entity fetches (`Product` keyed by `id`, as in fault-graph.ts). */
export const SWITCH_ENTITY_SDL = `${SWITCH_SDL}
  type Product @key(fields: "id") { id: ID! price: Int }
`;

export interface SwitchOptions {
  /** Serve `SWITCH_ENTITY_SDL`: `_entities` calls get `Product.price`. @default false */
  entities?: boolean;
}

export interface SwitchServer {
  url: string;
  port: number;
  /** The SDL file to give as the subgraph's `schemaFile`. */
  schemaFile: string;
  set(mode: SwitchMode): void;
  /** Requests received (each retry is one). */
  requests(): number;
  /** Requests whose body held a mutation. */
  mutations(): number;
  /** Requests being answered right now. */
  inFlight(): number;
  /** Stops listening and drops every connection: calls are refused until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startSwitchServer(
  initial: SwitchMode = { kind: 'ok' },
  options: SwitchOptions = {},
): Promise<SwitchServer> {
  let mode = initial;
  let requests = 0;
  let mutations = 0;
  let inFlight = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests++;
    inFlight++;
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const mutation = /"query":"\s*mutation/.test(body);
      if (mutation) mutations++;
      const current = mode;
      const entities = options.entities === true ? entitiesAsked(body) : undefined;
      const answer = (drop = 0) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (entities !== undefined) return void res.end(JSON.stringify(entitiesAnswer(entities, drop)));
        res.end(JSON.stringify({ data: mutation ? { poke: mutations } : { flaky: 'fine' } }));
      };
      if (current.kind === 'ok') answer();
      else if (current.kind === 'wrong-entity-count') answer(1);
      else if (current.kind === 'reset') res.socket?.resetAndDestroy();
      else if (current.kind === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>this is not json {');
      } else if (current.kind === 'huge') {
        const huge = hugeAnswer(current.bytes);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': huge.length });
        res.end(huge);
      } else if (current.kind === 'slow') setTimeout(answer, current.ms);
      else if (current.kind === 'status') {
        res.writeHead(current.status, {
          'content-type': 'text/plain',
          ...(current.retryAfter ? { 'retry-after': current.retryAfter } : {}),
        });
        res.end('unavailable');
      }
      // hang: never answers; close() destroys the socket.
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-switch-'));
  const schemaFile = join(dir, 'switch.graphql');
  await writeFile(schemaFile, options.entities === true ? SWITCH_ENTITY_SDL : SWITCH_SDL);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    schemaFile,
    set: (next) => {
      mode = next;
    },
    requests: () => requests,
    mutations: () => mutations,
    inFlight: () => inFlight,
    down: stop,
    up: () =>
      new Promise<void>((resolve, reject) => {
        if (server.listening) return resolve();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The response keys of the `_entities` fields of a call and their representation counts, or undefined. */
function entitiesAsked(body: string): Array<{ key: string; count: number }> | undefined {
  if (!body.includes('_entities')) return undefined;
  const request = JSON.parse(body) as { query?: string; variables?: Record<string, unknown> };
  const asked: Array<{ key: string; count: number }> = [];
  // `_entities(representations: $r)` or `alias: _entities(representations: $r)` (batched fetches).
  const field = /(?:(\w+)\s*:\s*)?_entities\s*\(\s*representations\s*:\s*\$(\w+)/g;
  for (const match of request.query?.matchAll(field) ?? []) {
    const representations = request.variables?.[match[2]!];
    asked.push({
      key: match[1] ?? '_entities',
      count: Array.isArray(representations) ? representations.length : 0,
    });
  }
  return asked;
}

/** Each `_entities` field answered with a priced `Product` per representation, `drop` fewer. */
function entitiesAnswer(asked: Array<{ key: string; count: number }>, drop: number) {
  const data: Record<string, unknown[]> = {};
  for (const { key, count } of asked) {
    data[key] = Array.from({ length: Math.max(0, count - drop) }, () => ({
      __typename: 'Product',
      price: SWITCH_PRICE,
    }));
  }
  return { data };
}

const hugeAnswers = new Map<number, Buffer>();

/** `{"data":{"flaky":"xxx..."}}` of `bytes` bytes, built once per size. */
function hugeAnswer(bytes: number): Buffer {
  let body = hugeAnswers.get(bytes);
  if (body === undefined) {
    const head = '{"data":{"flaky":"';
    const tail = '"}}';
    body = Buffer.from(`${head}${'x'.repeat(Math.max(0, bytes - head.length - tail.length))}${tail}`);
    hugeAnswers.set(bytes, body);
  }
  return body;
}
