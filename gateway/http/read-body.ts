/**
 * Reads an upstream body into a string within the client's body budget (stage: subgraph; see
 * `body-budget.ts`). Chunks are kept as they arrive, each accounted against the budget, and
 * decoded once at the end (one `Buffer.concat`, none for a body that came in one chunk). The
 * bytes are given back once the string is made, or when the read fails (deadline, caller gone,
 * reset, budget spent): never kept past the call.
 */
import type { Readable } from 'node:stream';
import type { GraphQLError } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { BodyBudget } from './body-budget.ts';

function noop() {}

/**
 * The body length to reserve before reading, from `content-length`; 0 when there is none, it does
 * not parse, or the response has no body whatever it says (HEAD, 204, 304).
 */
export function declaredLength(
  method: string | undefined,
  status: number,
  headers: Record<string, string | string[] | undefined>,
): number {
  const header = headers['content-length'];
  if (typeof header !== 'string' || method === 'HEAD' || status === 204 || status === 304) return 0;
  const length = Number(header);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

/**
 * The whole of `body` as UTF-8 (a leading BOM skipped, as undici's `text()` does). An answer
 * whose `expected` length (`declaredLength`) does not fit in what is left fails before a byte of
 * it is read; each chunk is reserved as it arrives. Rejects with
 * `UPSTREAM_MEMORY_EXHAUSTED` when a reservation does not fit, after destroying the body: the
 * upstream connection is dropped and nothing more of it is buffered.
 */
export async function readBody(
  body: Readable,
  budget: BodyBudget,
  expected: number,
  serviceName: string,
): Promise<string> {
  let reserved = 0;
  try {
    // An answer that cannot fit in what is left fails before a byte of it is read. Nothing is
    // reserved ahead, though: a slow answer announcing a large body holds only what it has sent,
    // so one slow subgraph cannot spend the budget of every other.
    if (expected > 0 && !budget.fits(expected)) throw exhausted(serviceName);
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > reserved) {
        if (!budget.tryReserve(length - reserved)) throw exhausted(serviceName);
        reserved = length;
      }
      chunks.push(chunk);
    }
    return decode(chunks, length);
  } catch (error) {
    // Leaving the loop early destroys the body already; a refusal before it did not. The listener
    // keeps the abort error the destroyed body emits from being unhandled.
    if (!body.destroyed) body.on('error', noop).destroy();
    throw error;
  } finally {
    budget.release(reserved);
  }
}

function decode(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = length > 2 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.toString('utf8', start);
}

function exhausted(serviceName: string): GraphQLError {
  return gatewayError(
    'UPSTREAM_MEMORY_EXHAUSTED',
    `${serviceName}'s answer was dropped: the memory for upstream answers being read is spent`,
    { serviceName },
  );
}
