/**
 * The manifest of known documents, read once at startup. Two formats: Apollo's persisted query
 * manifest (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, body }] }`)
 * and a plain map `{ "<id>": "<document>" }` (Relay, GraphQL Code Generator's client preset). An
 * id of 64 hex digits is taken for a sha256 and must be the hash of its document; ids are kept
 * lower-cased (other ids are kept as they are). Any problem is a CONFIG_INVALID startup error naming the file and the fix.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatehouseError } from '../../core/errors.ts';

export interface Manifest {
  /** Document text by lower-cased id. */
  byId: ReadonlyMap<string, string>;
  /** Every document text the manifest holds, for requests that send the text. */
  bodies: ReadonlySet<string>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The sha256 of `text` (UTF-8), in lower-case hex. */
export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** True when `id` (lower-cased) looks like a sha256 in hex. */
export const isSha256 = (id: string) => SHA256.test(id);

/** An id as stored and compared: a sha256 in lower-case hex; any other id as it is. */
export const normalizeId = (id: string) => (isSha256(id.toLowerCase()) ? id.toLowerCase() : id);

export function loadManifest(path: string): Manifest {
  const key = 'trustedDocuments.manifest';
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot read the trusted documents manifest ${path}`, [
      `${key}: ${cause instanceof Error ? cause.message : String(cause)}; point it at a JSON manifest file`,
    ]);
  }
  const entries = entriesOf(value);
  if (entries === undefined) {
    throw new GatehouseError('CONFIG_INVALID', `${path} is not a persisted document manifest`, [
      `${key}: use Apollo's format { "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body" }] } or a map { "<id>": "<document>" }`,
    ]);
  }
  const byId = new Map<string, string>();
  const problems: string[] = [];
  for (const [rawId, body] of entries) {
    const id = normalizeId(rawId);
    if (isSha256(id) && sha256Hex(body) !== id) {
      problems.push(
        `${key}: the id ${rawId} is not the sha256 of its document; regenerate the manifest, or give the document the id ${sha256Hex(body)}`,
      );
    } else byId.set(id, body);
  }
  if (problems.length > 0) {
    throw new GatehouseError('CONFIG_INVALID', `${path} holds documents whose ids do not match`, problems);
  }
  return { byId, bodies: new Set(byId.values()) };
}

/** `[id, body]` pairs of either format, or undefined when `value` is neither. */
function entriesOf(value: unknown): Array<[string, string]> | undefined {
  if (!isObject(value)) return undefined;
  if (value.format === 'apollo-persisted-query-manifest') {
    if (value.version !== 1 || !Array.isArray(value.operations)) return undefined;
    const entries: Array<[string, string]> = [];
    for (const operation of value.operations) {
      if (!isObject(operation) || typeof operation.id !== 'string' || typeof operation.body !== 'string') {
        return undefined;
      }
      entries.push([operation.id, operation.body]);
    }
    return entries;
  }
  const entries = Object.entries(value);
  return entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')
    ? entries
    : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
