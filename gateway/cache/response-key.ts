/**
 * The key of a cached answer: a SHA-256 of the operation's document (as it runs: after the field
 * policies took out what this caller may not see), its name, its variables (keys sorted, so the
 * same values sent in another order share an entry), the values of the `vary` headers and, for a
 * `PRIVATE` answer, the caller (kind, issuer and subject): two callers never share a private entry.
 * The headers the header rules forward to subgraphs are among the `vary` values (forwarded.ts).
 */
import { createHash } from 'node:crypto';
import { type DocumentNode, print } from 'graphql';
import type { Identity } from '../../core/identity.ts';

const documentHashes = new WeakMap<DocumentNode, string>();

function documentHash(document: DocumentNode): string {
  let hash = documentHashes.get(document);
  if (hash === undefined) {
    hash = createHash('sha256').update(print(document)).digest('base64url');
    documentHashes.set(document, hash);
  }
  return hash;
}

/** `value` as JSON with every object's keys sorted. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Who a caller's entries belong to; undefined when the caller names no subject (never kept). */
export function ownerOf(identity: Identity | undefined): string | undefined {
  if (identity === undefined || identity.subject === undefined) return undefined;
  const issuer = typeof identity.claims.iss === 'string' ? identity.claims.iss : '';
  return `caller\n${identity.kind}\n${issuer}\n${identity.subject}`;
}

export interface KeyParts {
  document: DocumentNode;
  operationName: string | undefined;
  variables: unknown;
  /** The values of the `vary` headers, in the config's order (null when absent). */
  vary: readonly (string | null)[];
  /** Whose entry it is (`ownerOf`, or the anonymous callers'); undefined for one every caller shares. */
  owner: string | undefined;
}

export function responseKey(parts: KeyParts): string {
  const hash = createHash('sha256');
  hash.update(documentHash(parts.document));
  hash.update('\0');
  hash.update(parts.operationName ?? '');
  hash.update('\0');
  hash.update(stableJson(parts.variables ?? {}));
  hash.update('\0');
  hash.update(JSON.stringify(parts.vary));
  hash.update('\0');
  // A shared entry and a caller's never share a key, whatever their other parts.
  hash.update(parts.owner === undefined ? 'shared' : `owned\0${parts.owner}`);
  return `response:${hash.digest('base64url')}`;
}
