/**
 * The `trustedDocuments` config keys: which documents may run (`mode`), the manifest of known
 * documents, and automatic persisted queries (APQ). Imported by `schema.ts`; the room is
 * `gateway/trusted-documents/`. docs/security.md ("Trusted documents") says why the defaults are
 * what they are.
 */
import { z } from 'zod';

export const trustedDocumentsSchema = z
  .strictObject({
    mode: z
      .enum(['allow-arbitrary', 'allow-list'])
      .default('allow-arbitrary')
      .describe(
        '`allow-arbitrary`: any document runs (by text, or by id from the manifest or APQ); `allow-list`: only documents in `manifest` run, by id or by text; any other gets PERSISTED_DOCUMENT_REQUIRED (HTTP 403), APQ registrations included',
      ),
    manifest: z
      .string()
      .min(1)
      .optional()
      .describe(
        'JSON file of known documents, read at startup: Apollo\'s persisted query manifest (`{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body" }] }`) or a map `{ "<id>": "<document>" }` (Relay, GraphQL Code Generator). An id of 64 hex digits must be the sha256 of its document. Required with `mode: allow-list`',
      ),
    apq: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'Automatic persisted queries (Apollo protocol, `extensions.persistedQuery`): an unknown hash gets PERSISTED_QUERY_NOT_FOUND, then the text with its hash is checked and kept. With `mode: allow-list` only listed documents register',
          ),
        maxEntries: z
          .number()
          .int()
          .positive()
          .default(1000)
          .describe('Most documents the APQ store keeps (least recently used out first)'),
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(10 * 1024 * 1024)
          .describe('Most bytes of document text the APQ store keeps (least recently used out first)'),
      })
      .prefault({})
      .describe('Automatic persisted queries: an in-memory store, per gateway process'),
  })
  .superRefine((value, ctx) => {
    if (value.mode === 'allow-list' && value.manifest === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['manifest'],
        message: 'mode allow-list needs a manifest: set `manifest` to the file of allowed documents',
      });
    }
  })
  .describe('Trusted documents: which documents run, and documents sent by id (docs/security.md)');
