/**
 * The catalogue: a REST API of books and authors, described by `openapi.yaml` beside this file
 * (served too, at `GET /openapi.yaml`). Run on its own: `npx tsx subgraphs/demo/catalogue/server.ts
 * [port]` (default 4101).
 *
 *   GET  /books               every book; `?ids=1,2` those books, in that order; `?authorId=1`
 *   GET  /books/{id}          one book, 404 when unknown
 *   POST /books               adds a book (JSON body), 201 with its Location
 *   GET  /authors, /authors/{id}
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../lib/listen.ts';
import type { RunningServer } from '../../lib/serve-graphql.ts';
import { runStandalone } from '../standalone.ts';
import { type BookRecord, catalogueData, toBook } from './data.ts';

/** Where the OpenAPI document of this API lives. */
export const CATALOGUE_OPENAPI_FILE = new URL('./openapi.yaml', import.meta.url);
export const CATALOGUE_DEFAULT_PORT = 4101;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // reported below, like a body of the wrong shape
  }
  throw new HttpProblem(400, 'invalid_request', 'the body must be a JSON object');
}

/** Starts the catalogue on `host:port` (default 127.0.0.1, a free port). Its `url` is the API's base URL. */
export async function startCatalogue(options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const { host = '127.0.0.1' } = options;
  const data = catalogueData();
  const openapi = readFileSync(CATALOGUE_OPENAPI_FILE, 'utf8');
  let count = 0;

  const bookOr404 = (id: string) => {
    const record = data.books.get(id);
    if (!record) throw new HttpProblem(404, 'not_found', `no book with id ${id}`);
    return toBook(data, record);
  };

  const addBook = (body: Record<string, unknown>) => {
    const { title, authorId, year, isbn = '', price } = body;
    const problems: string[] = [];
    if (typeof title !== 'string' || title.trim() === '') problems.push('title must be a non-empty string');
    if (typeof authorId !== 'string' || !data.authors.has(authorId))
      problems.push('authorId must name an author');
    if (!Number.isInteger(year)) problems.push('year must be an integer');
    if (typeof isbn !== 'string') problems.push('isbn must be a string');
    if (typeof price !== 'number' || price < 0) problems.push('price must be a number >= 0');
    if (problems.length > 0) throw new HttpProblem(400, 'invalid_request', problems.join('; '));
    const id = String(Math.max(0, ...[...data.books.keys()].map(Number)) + 1);
    const record = { id, title, authorId, year, isbn, price } as BookRecord;
    data.books.set(id, record);
    return toBook(data, record);
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [collection, id, ...rest] = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/openapi.yaml' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8' });
      return res.end(openapi);
    }
    if (rest.length > 0) throw new HttpProblem(404, 'not_found', `no route for ${url.pathname}`);
    count++;
    if (collection === 'books' && id === undefined && req.method === 'GET') {
      const ids = url.searchParams.get('ids');
      const authorId = url.searchParams.get('authorId');
      let records = ids
        ? ids.split(',').flatMap((i) => data.books.get(i.trim()) ?? [])
        : [...data.books.values()];
      if (authorId) records = records.filter((b) => b.authorId === authorId);
      return send(
        res,
        200,
        records.map((r) => toBook(data, r)),
      );
    }
    if (collection === 'books' && id === undefined && req.method === 'POST') {
      const book = addBook(await readJson(req));
      return send(res, 201, book, { location: `/books/${book.id}` });
    }
    if (collection === 'books' && id !== undefined && req.method === 'GET')
      return send(res, 200, bookOr404(id));
    if (collection === 'authors' && req.method === 'GET') {
      if (id === undefined) return send(res, 200, [...data.authors.values()]);
      const author = data.authors.get(id);
      if (!author) throw new HttpProblem(404, 'not_found', `no author with id ${id}`);
      return send(res, 200, author);
    }
    throw new HttpProblem(404, 'not_found', `no route for ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpProblem)
        send(res, error.status, { error: error.error, message: error.message });
      else send(res, 500, { error: 'internal', message: String(error) });
    });
  });
  return listenOnLoopback(server, {
    port: options.port,
    host,
    counter: {
      requests: () => count,
      reset: () => {
        count = 0;
      },
    },
  });
}

await runStandalone(import.meta.url, 'catalogue', CATALOGUE_DEFAULT_PORT, (port) => startCatalogue({ port }));
