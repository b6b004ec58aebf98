/**
 * The listener of `admin.port`: the admin endpoint on a port of its own, so that the gateway's
 * port can be public while the admin endpoint stays internal (the gateway's port then answers
 * 404 at `admin.path`). It runs whatever handler `current()` gives when a request comes in, so a
 * process whose gateway is replaced by a reload keeps one listener and serves the admin endpoint
 * of the gateway in service. `portHandler` adapts node's request to the fetch API the admin
 * handler speaks, and back.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from '../logger/index.ts';
import { listenOwnPort, type OwnPortListening } from '../server/own-port.ts';
import { type FetchApi, failure } from './http.ts';

export type AdminListening = OwnPortListening;

/** Answers a request under the admin path (undefined: not the admin endpoint's). */
export type AdminFetch = (request: Request, url: URL, fetchAPI: FetchApi) => Promise<Response | undefined>;

/** What a listener of `admin.port` runs: `handle` at `path` and under it, 404 elsewhere. */
export function portHandler(
  path: string,
  handle: AdminFetch,
  logger: Pick<Logger, 'error'>,
): RequestListener {
  const fetchAPI = { Response };
  return function adminPortRequest(req, res) {
    // What node:http parses but the fetch API refuses (TRACE, a URL that is not one) is answered
    // here: thrown from this listener, it would end the process.
    if (!FETCH_METHODS.has(req.method ?? 'GET')) {
      void send(
        res,
        failure(fetchAPI, 'METHOD_NOT_ALLOWED', `the admin endpoint takes ${[...FETCH_METHODS].join(', ')}`, {
          allow: [...FETCH_METHODS].join(', '),
        }),
      );
      return;
    }
    let url: URL;
    let request: Request;
    try {
      url = new URL(req.url ?? '/', 'http://admin.invalid');
      request = toRequest(req, url);
    } catch {
      void send(res, failure(fetchAPI, 'BAD_REQUEST', 'the request line or headers are not valid'));
      return;
    }
    handle(request, url, fetchAPI)
      .then((response) =>
        send(res, response ?? failure(fetchAPI, 'NOT_FOUND', `the admin endpoint is at ${path}`)),
      )
      .catch((error: unknown) => {
        logger.error('admin: a request failed', { error });
        if (!res.headersSent) void send(res, failure(fetchAPI, 'INTERNAL_SERVER_ERROR', 'internal error'));
        else res.destroy();
      });
  };
}

// The methods the fetch API's Request takes (it throws on TRACE, TRACK and CONNECT).
const FETCH_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

function toRequest(req: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    ...(hasBody && { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }),
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
}

/** Listens on `host:port`, serving `current()` (503 when there is none). */
export async function listenAdmin(
  host: string,
  port: number,
  current: () => RequestListener | undefined,
): Promise<AdminListening> {
  return listenOwnPort({
    host,
    port,
    current,
    what: 'the admin endpoint',
    fix: 'choose another `admin.port`, or leave it out to serve the admin endpoint at `admin.path` of the gateway',
  });
}

/** `http://host:port` for a listener on `host` (IPv6 in brackets). */
export function httpOrigin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
