/**
 * The JSON fast path (stage: request). A `POST` of `application/json` to the GraphQL endpoint
 * skips the Fetch API wrapping of node:http (whatwg-node's `Request` over the socket, a
 * `Response` whose body length is computed before node:http encodes it again): the body is read
 * and parsed here, and the operation goes through `yoga.getResultForParams`, so every `onParams`,
 * envelop (parse and validation caches, context, execute, the error mask) and
 * `onExecutionResult` hook still runs. The answer is made by Yoga's own regular result processor
 * (status, headers, `extensions.http` removed) and written to the socket once.
 *
 * What the fast path does not run, it does not take: a request with a query string, another media
 * type, an `Accept` that streams (`text/event-stream`, `multipart/mixed`), a browser `Origin`
 * while CORS is configured, an operation that may stream (`subscription`, `@defer`, `@stream`
 * in its text), or any room whose plugin hooks the request stage (`onRequest`, `onRequestParse`,
 * `onResultProcess`, `onResponse`) without saying it acts only on other paths
 * (`Room.requestPaths`). Those go to Yoga, with the body already read handed over.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError } from 'graphql';
import {
  createGraphQLError,
  type FetchAPI,
  processRegularResult,
  type YogaServerInstance,
} from 'graphql-yoga';

export interface FastPathOptions {
  graphqlPath: string;
  /** CORS is configured: requests with an `Origin` go to Yoga, which answers with its headers. */
  cors: boolean;
  /** Largest body read, in bytes (Yoga's `maxRequestBodySize`, the same limit). */
  maxRequestBodySize: number;
  /** The gateway's error mask (Yoga's `maskedErrors.maskError`), for errors a hook throws. */
  maskError: (error: unknown, message: string) => Error;
}

type Yoga = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
type MediaType = 'application/json' | 'application/graphql-response+json';

interface Params {
  /** Absent when the document is sent by id (the trusted-documents room resolves it). */
  query?: string;
  documentId?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** The node:http listener: the fast path where it applies, Yoga for everything else. */
export function createRequestListener(yoga: Yoga, options: FastPathOptions): RequestListener {
  return function gatehouseRequest(req, res) {
    const mediaType = eligible(req, options);
    if (mediaType === undefined) {
      yoga(req, res);
      return;
    }
    readBody(req, options.maxRequestBodySize)
      .then(
        (body) => {
          if (body === TOO_LARGE) {
            // As Yoga answers it; the rest of the body is not read: the connection closes after.
            res.shouldKeepAlive = false;
            write(res, { errors: [bodyTooLarge()] }, mediaType);
            res.once('finish', () => req.destroy());
            return;
          }
          return answer(yoga, req, res, body, mediaType, options);
        },
        () => {
          // The client went away while sending, or sent what is not text: nothing to answer.
          res.destroy();
        },
      )
      .catch((error: unknown) => {
        // A bug of ours past every guard: this request fails, never the process.
        yoga.logger.error(error);
        res.destroy();
      });
  };
}

const TOO_LARGE = Symbol('too large');

function bodyTooLarge(): GraphQLError {
  return createGraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });
}

/** The media type to answer with, when the request can take the fast path. */
function eligible(req: IncomingMessage, options: FastPathOptions): MediaType | undefined {
  if (req.method !== 'POST' || req.url !== options.graphqlPath) return undefined;
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) return undefined;
  if (options.cors && req.headers.origin !== undefined) return undefined;
  // A bad or too large Content-Length: Yoga answers it (400, 413) without reading the body.
  const length = req.headers['content-length'];
  if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > options.maxRequestBodySize)) {
    return undefined;
  }
  return acceptedMediaType(req.headers.accept);
}

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/**
 * The media type Yoga's result processors would pick for a single result, when none of the
 * types asked for could stream: the first type listed (q-values aside, as Yoga does) that is
 * ours; `*` + `/*` and `application/*` give `application/json`. Undefined: leave it to Yoga.
 */
export function acceptedMediaType(accept: string | undefined): MediaType | undefined {
  if (accept === undefined || accept === '') return 'application/json';
  let chosen: MediaType | undefined;
  for (const entry of accept.replace(/\s/g, '').toLowerCase().split(',')) {
    const [type, ...params] = entry.split(';');
    const charset = params.find((p) => p.includes('charset='));
    if (charset !== undefined && charset !== 'charset=utf-8') continue;
    if (type === 'text/event-stream' || type === 'multipart/mixed') return undefined;
    // Other wildcards (`*/json`, `application/graphql-response+*`): Yoga's own matching decides.
    if (type?.includes('*') && type !== '*/*' && type !== 'application/*') return undefined;
    if (chosen !== undefined) continue;
    if (type === 'application/graphql-response+json') chosen = type;
    else if (type === 'application/json' || type === '*/*' || type === 'application/*') {
      chosen = 'application/json';
    }
  }
  return chosen;
}

/** The body as text, or TOO_LARGE as soon as it passes `limit` bytes (reading then stops). */
function readBody(req: IncomingMessage, limit: number): Promise<string | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      try {
        resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

async function answer(
  yoga: Yoga,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  mediaType: MediaType,
  options: FastPathOptions,
): Promise<void> {
  const params = paramsOf(body);
  if (params === undefined) {
    // Yoga says what is wrong with it, from the body read here.
    (req as IncomingMessage & { body?: string }).body = body;
    yoga(req, res);
    return;
  }
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  const pending: Promise<unknown>[] = [];
  const serverContext = { req, res, waitUntil: (promise: Promise<unknown>) => void pending.push(promise) };
  try {
    // The URL as whatwg-node builds it: plugins that read the host see the same one.
    const request = new yoga.fetchAPI.Request(
      `http://${req.headers.host ?? 'localhost'}${options.graphqlPath}`,
      {
        method: 'POST',
        headers: headersOf(req),
        signal: controller.signal,
      },
    );
    const result = await yoga.getResultForParams({ params, request }, serverContext);
    write(res, result as ExecutionResult, mediaType);
  } catch (error) {
    // As Yoga's request handler does with what a hook throws: through the mask, as errors.
    write(res, { errors: [masked(error, options)] }, mediaType);
  } finally {
    await Promise.allSettled(pending);
  }
}

function masked(error: unknown, options: FastPathOptions): GraphQLError {
  const result = options.maskError(error, 'Unexpected error.');
  return result instanceof GraphQLError
    ? result
    : createGraphQLError(result.message, { originalError: result });
}

/** The GraphQL parameters of a JSON body, or undefined for anything the fast path leaves to Yoga. */
export function paramsOf(body: string): Params | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { query, variables, operationName, extensions, documentId } = value;
  if (documentId !== undefined && (typeof documentId !== 'string' || documentId === '')) return undefined;
  // A document sent by id only: the trusted-documents room's `onParams` gives it its text, unseen
  // here. The client's `Accept` (checked before) takes no stream, so no answer of it is one: the
  // incremental-delivery room drops a persisted document's `@defer`s for such a client
  // (test/integration/trusted-documents-stream.test.ts).
  const byIdOnly =
    query === undefined &&
    (documentId !== undefined || isObject(isObject(extensions) ? extensions.persistedQuery : undefined));
  if (!byIdOnly && (typeof query !== 'string' || query.length === 0 || MAY_STREAM.test(query))) {
    return undefined;
  }
  if (variables != null && !isObject(variables)) return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  if (extensions !== undefined && !isObject(extensions)) return undefined;
  for (const key of Object.keys(value)) {
    if (!PARAM_KEYS.has(key)) return undefined;
  }
  return {
    query: query as string | undefined,
    ...(documentId === undefined ? {} : { documentId }),
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
    extensions,
  };
}

// Words that may make an answer a stream: such operations go to Yoga (a false alarm costs only speed).
const MAY_STREAM = /subscription|@defer|@stream/;
const PARAM_KEYS = new Set(['query', 'variables', 'operationName', 'extensions', 'documentId']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headersOf(req: IncomingMessage): Headers | [string, string][] {
  const pairs: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // HTTP/2 pseudo-headers (`:method`) are not headers.
    if (name.charCodeAt(0) !== 58) pairs.push([name, raw[i + 1]!]);
  }
  return pairs;
}

/** Yoga's regular result processor, with a `Response` that only keeps what it was given. */
function write(res: ServerResponse, result: ExecutionResult, mediaType: MediaType): void {
  const captured = processRegularResult(
    result,
    CAPTURE as unknown as FetchAPI,
    mediaType,
  ) as unknown as Captured;
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(captured.init.headers ?? {}))
    headers[name.toLowerCase()] = value;
  const status = captured.init.status ?? 200;
  const bytes = captured.body === null ? undefined : Buffer.from(captured.body, 'utf8');
  headers['content-length'] = String(bytes?.length ?? 0);
  res.writeHead(status, captured.init.statusText, headers);
  res.end(bytes);
}

interface Captured {
  body: string | null;
  init: { status?: number; statusText?: string; headers?: Record<string, string> };
}

const CAPTURE = {
  Response: class CapturedResponse implements Captured {
    constructor(
      readonly body: string | null,
      readonly init: Captured['init'] = {},
    ) {}
  },
};
