/**
 * Trusted documents (stage: operation, `onParams` only, so the JSON fast path stays on): which
 * documents may run, and documents sent by id instead of text. Ids come from
 * `extensions.persistedQuery.sha256Hash` (Apollo's APQ) or `documentId` (the GraphQL-over-HTTP
 * persisted documents draft; a `sha256:` prefix is dropped), in a POST body or a GET's query
 * string. An id is looked up in the manifest (read at startup) and then the APQ store; a document
 * found replaces the params' `query`, so it goes through limits, parsing and validation as if its
 * text had been sent. Refusals, each a catalogue code:
 *
 * - an id nobody holds: PERSISTED_QUERY_NOT_FOUND, or PERSISTED_QUERY_NOT_SUPPORTED with no store;
 * - a text sent with a sha256 that is not its hash: PERSISTED_QUERY_HASH_MISMATCH;
 * - `mode: allow-list` and a text (plain, or an APQ registration) not in the manifest:
 *   PERSISTED_DOCUMENT_REQUIRED.
 */
import type { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { type ErrorCode, ErrorCodes, gatewayError } from '../../core/errors.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import type { Room } from '../room.ts';
import { createApqStore } from './apq-store.ts';
import { isSha256, loadManifest, normalizeId, sha256Hex } from './manifest.ts';

export { createApqStore } from './apq-store.ts';
export { loadManifest, sha256Hex } from './manifest.ts';

/** The resolved `trustedDocuments` config. */
export interface TrustedDocumentsOptions {
  /** Which documents may run. @default 'allow-arbitrary' */
  mode: 'allow-arbitrary' | 'allow-list';
  /** Absolute path of the manifest file; required with `allow-list`. @default undefined */
  manifest?: string;
  apq: {
    /** Automatic persisted queries. @default false */
    enabled: boolean;
    /** Most documents kept. @default 1000 */
    maxEntries: number;
    /** Most bytes of text kept. @default 10485760 (10 MiB) */
    maxBytes: number;
  };
}

/** The room; reads the manifest now, so a bad one is a CONFIG_INVALID startup error. */
export function createTrustedDocuments(options: TrustedDocumentsOptions): Room {
  const manifest = options.manifest === undefined ? undefined : loadManifest(options.manifest);
  const apq = options.apq.enabled ? createApqStore(options.apq) : undefined;
  const allowList = options.mode === 'allow-list';

  const plugin: Plugin = {
    onParams(hook) {
      const { params, request, setParams } = hook;
      // Refused before (auth): no id is looked up, no document stored.
      if (isRequestEnded(request)) return;
      const sent = idOf(params, request);
      const text = typeof params.query === 'string' && params.query !== '' ? params.query : undefined;
      const refuse = (error: GraphQLError) => endRequest(hook, { errors: [error] });
      if (sent === undefined) {
        if (allowList && text !== undefined && !manifest!.bodies.has(text)) refuse(required());
        return;
      }
      if (text === undefined) {
        // The messages are Apollo's: its clients match them as well as the codes.
        const found = manifest?.byId.get(sent.id) ?? apq?.get(sent.id);
        if (found !== undefined) setParams(withQuery(params, found));
        else if (manifest === undefined && apq === undefined) {
          refuse(refusal('PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported'));
        } else refuse(refusal('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'));
        return;
      }
      // A text with its id: the id must be its hash (APQ hashes are always sha256).
      if ((isSha256(sent.id) || sent.apq) && sha256Hex(text) !== sent.id) {
        refuse(refusal('PERSISTED_QUERY_HASH_MISMATCH', 'the document is not the one its hash names'));
        return;
      }
      if (allowList && !manifest!.bodies.has(text)) {
        refuse(required());
        return;
      }
      if (sent.apq && apq !== undefined && !manifest?.byId.has(sent.id)) apq.set(sent.id, text);
      if ('documentId' in params) setParams(withQuery(params, text));
    },
  };
  return { name: 'trusted-documents', plugin };
}

interface SentId {
  /** Normalised (`normalizeId`). */
  id: string;
  /** Sent as an APQ hash (`extensions.persistedQuery`). */
  apq: boolean;
}

function idOf(params: GraphQLParams & { documentId?: unknown }, request: Request): SentId | undefined {
  const persisted = params.extensions?.persistedQuery;
  if (isObject(persisted) && typeof persisted.sha256Hash === 'string' && persisted.sha256Hash !== '') {
    return { id: normalizeId(persisted.sha256Hash), apq: true };
  }
  // Yoga's GET parser keeps only the four GraphQL parameters: `documentId` is read from the URL.
  let documentId = params.documentId;
  if (documentId == null && request.method === 'GET') {
    documentId = new URL(request.url, 'http://localhost').searchParams.get('documentId');
  }
  if (typeof documentId !== 'string' || documentId === '') return undefined;
  return { id: normalizeId(documentId.replace(/^sha256:/i, '')), apq: false };
}

/** The params with `query` set and `documentId` (which Yoga's parameter check refuses) dropped. */
function withQuery(params: GraphQLParams & { documentId?: unknown }, query: string): GraphQLParams {
  const { documentId: _dropped, ...rest } = params;
  return { ...rest, query };
}

function refusal(code: ErrorCode, message: string): GraphQLError {
  return gatewayError(code, message, { extensions: { http: { status: ErrorCodes[code].status } } });
}

const required = () =>
  refusal('PERSISTED_DOCUMENT_REQUIRED', 'only documents of the trusted documents manifest run here');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
