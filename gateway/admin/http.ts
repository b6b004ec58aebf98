/** The admin endpoint's HTTP helpers: JSON answers, errors with their code, bounded bodies, the token's digest. */
import { createHash } from 'node:crypto';
import { type ErrorCode, ErrorCodes, GatehouseError } from '../../core/errors.ts';

export type FetchApi = { Response: typeof Response };

/** A JSON answer, never cached. */
export function answer(fetchAPI: FetchApi, status: number, body: unknown, headers = {}): Response {
  return new fetchAPI.Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** `{ errors: [{ message, extensions: { code } }], ...more }` with the code's status. */
export function failure(
  fetchAPI: FetchApi,
  code: ErrorCode,
  message: string,
  headers = {},
  more: Record<string, unknown> = {},
): Response {
  return answer(
    fetchAPI,
    ErrorCodes[code].status,
    { errors: [{ message, extensions: { code } }], ...more },
    headers,
  );
}

/** SHA-256 of `value`: tokens are compared by digest, so in constant time whatever their lengths. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Reads the body as JSON, at most `maxBody` bytes; an empty body is `undefined`. */
export async function readJson(request: Request, maxBody: number): Promise<unknown> {
  const tooLarge = () =>
    new GatehouseError('REQUEST_ENTITY_TOO_LARGE', `this admin request is at most ${maxBody} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > maxBody) throw tooLarge();
  // Read up to the bound, whatever the length said (or when it said nothing).
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body !== null) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBody) throw tooLarge();
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new GatehouseError('BAD_REQUEST', 'the body must be a JSON object');
  }
}
