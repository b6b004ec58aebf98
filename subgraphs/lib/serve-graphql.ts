/**
 * A small, fast GraphQL-over-HTTP server for the example and benchmark subgraphs: POST (JSON) and
 * GET, keep-alive, parse and validation cached per query text, and a request counter at
 * `GET /_stats` (`POST /_stats/reset` zeroes it) so benchmarks and tests can count upstream calls
 * (a gateway's health checks, `{ __typename }`, are not counted).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type DocumentNode, execute, type GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';
import { listenOnLoopback } from './listen.ts';

export interface ServeGraphQLOptions {
  schema: GraphQLSchema;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default '/graphql' */
  path?: string;
  /** Builds the context of each request. @default () => ({}) */
  context?: (request: IncomingMessage) => object;
}

export interface RunningServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:41234/graphql`. */
  url: string;
  port: number;
  /** GraphQL requests received since start (or the last reset). */
  requests(): number;
  resetRequests(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  server: Server;
}

type Cached = { document: DocumentNode } | { errors: readonly GraphQLError[] };
const MAX_CACHED = 1_000;

export async function serveGraphQL(options: ServeGraphQLOptions): Promise<RunningServer> {
  const { schema, host = '127.0.0.1', path = '/graphql' } = options;
  const cache = new Map<string, Cached>();
  let count = 0;

  const prepare = (query: string): Cached => {
    let entry = cache.get(query);
    if (entry === undefined) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        entry = errors.length > 0 ? { errors } : { document };
      } catch (error) {
        entry = { errors: [error as GraphQLError] };
      }
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(query, entry);
    }
    return entry;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const HEALTH_CHECK = '{ __typename }';
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/_stats') {
      if (req.method === 'POST') count = 0;
      return send(res, 200, { requests: count });
    }
    if (url.pathname !== path) return send(res, 404, { errors: [{ message: 'not found' }] });
    let params: { query?: unknown; variables?: unknown; operationName?: unknown };
    if (req.method === 'GET') {
      const variables = url.searchParams.get('variables');
      params = {
        query: url.searchParams.get('query') ?? undefined,
        variables: variables ? JSON.parse(variables) : undefined,
        operationName: url.searchParams.get('operationName') ?? undefined,
      };
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { errors: [{ message: 'body is not JSON' }] });
      }
    }
    // Every request but a gateway's health check (`{ __typename }`, every few seconds), which
    // would otherwise land in a count at random.
    if (params.query !== HEALTH_CHECK) count++;
    if (typeof params.query !== 'string') return send(res, 400, { errors: [{ message: 'missing query' }] });
    const prepared = prepare(params.query);
    if ('errors' in prepared) return send(res, 400, { errors: prepared.errors });
    const result = await execute({
      schema,
      document: prepared.document,
      variableValues: params.variables as Record<string, unknown> | undefined,
      operationName: typeof params.operationName === 'string' ? params.operationName : undefined,
      contextValue: options.context ? options.context(req) : {},
    });
    send(res, 200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: [{ message: String(error) }] });
      else res.destroy();
    });
  });
  return listenOnLoopback(server, {
    port: options.port,
    host,
    path,
    counter: {
      requests: () => count,
      reset: () => {
        count = 0;
      },
    },
  });
}
