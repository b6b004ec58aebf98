/**
 * The key of a cached answer: a SHA-256 of the operation's document (as it runs: after the field
 * policies took out what this caller may not see), its name, its variables (keys sorted, so the
 * same values sent in another order share an entry), the values of the `vary` headers and, for a
 * `PRIVATE` answer, the caller (kind, issuer and subject): two callers never share a private entry;
 * when a header rule sends subgraphs values of the caller, every answer is keyed by all of them.
 * The headers the header rules forward to subgraphs are among the `vary` values (forwarded.ts),
 * and the schema in service is part of the key (a new schema starts with an empty cache).
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

/**
 * `value` as JSON with every object's keys sorted. The copies have no prototype, so that a key
 * `__proto__` is written out like any other (on a plain object it would set the prototype and
 * vanish from the key: two different inputs would share an entry).
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * Who a caller's entries belong to; undefined when the caller names no subject (never kept).
 * `whole`: every value of the credential (its claims, scopes, tenant, plan), for answers that a
 * header rule may make from any of them (two tokens of one subject can differ in tenant or
 * scopes); otherwise the subject (kind, issuer and subject: a user's `PRIVATE` answers).
 */
export function ownerOf(identity: Identity | undefined, whole: boolean): string | undefined {
  if (identity === undefined || identity.subject === undefined) return undefined;
  const issuer = typeof identity.claims.iss === 'string' ? identity.claims.iss : '';
  const subject = `caller\n${identity.kind}\n${issuer}\n${identity.subject}`;
  if (!whole) return subject;
  return `${subject}\n${stableJson({
    claims: identity.claims,
    scopes: [...identity.scopes].sort(),
    tenant: identity.tenant ?? null,
    plan: identity.plan ?? null,
  })}`;
}

export interface KeyParts {
  /**
   * The schema in service (a hash of its supergraph SDL): an entry made on another schema is
   * never served, by this replica or another sharing the store.
   */
  schema: string;
  document: DocumentNode;
  operationName: string | undefined;
  variables: unknown;
  /** The values of the `vary` headers, in the config's order (null when absent). */
  vary: readonly (string | null)[];
  /** Whose entry it is (`ownerOf`, or the anonymous callers'); undefined for one every caller shares. */
  owner: string | undefined;
}

/** Changes when what a key covers changes: entries of older gateways are then never read. */
const KEY_VERSION = 'gatehouse-response-1';

export function responseKey(parts: KeyParts): string {
  const hash = createHash('sha256');
  hash.update(KEY_VERSION);
  hash.update('\0');
  hash.update(parts.schema);
  hash.update('\0');
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
