/**
 * The `subgraphs[]` entries of the configuration: one schema per kind of backend (federation,
 * plain GraphQL, REST), with what they share. Part of the one config schema (`schema.ts`).
 */
import { z } from 'zod';
import { LOOKUP_CONCURRENCY } from '../../core/defaults.ts';
import { HEADER_NAME } from '../../core/header-name.ts';
import { subgraphCacheControlSchema } from './cache-schema.ts';
import { subgraphCostSchema } from './demand-control-schema.ts';
import { duration } from './duration.ts';
import { loadBalancingSchema } from './load-balancing-schema.ts';
import { subgraphPoliciesSchema } from './policies-schema.ts';
import { subgraphFieldLimitsSchema } from './rate-limit-schema.ts';
import { subgraphResilienceKeys } from './resilience-schema.ts';

/** A subgraph's name: a letter, then letters, digits, `_` or `-` (also a registry folder or key). */
export const SUBGRAPH_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

const name = z
  .string()
  .regex(SUBGRAPH_NAME, 'must start with a letter and hold only letters, digits, "_" and "-"');

// Set by the HTTP client for each request; undici refuses most of them, which would fail every call.
const RESERVED_HEADERS = new Set([
  'connection',
  'content-length',
  'content-type',
  'expect',
  'host',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);
const headerName = z
  .string()
  .regex(HEADER_NAME, 'is not a valid HTTP header name')
  .refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), 'is set by the gateway for each request; remove it');

/** An SDL given inline (registry entries carry their schema this way). */
const inlineSdl = (description: string) =>
  z.string().min(1, 'must not be empty').optional().describe(description);
const ONE_SCHEMA = 'set at most one of `schemaFile` and `sdl`';
const atMostOneSchema = (s: { schemaFile?: string; sdl?: string }) =>
  s.schemaFile === undefined || s.sdl === undefined;

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const common = {
  name: name.describe(
    'Unique name of the subgraph (a letter, then letters, digits, `_` or `-`); used in errors (`serviceName`), logs and the supergraph',
  ),
  required: z
    .boolean()
    .default(false)
    .describe('When true, /readyz answers 503 while this subgraph is not part of the schema in service'),
  timeout: duration(
    'Deadline for one request to this subgraph (overrides upstream.requestTimeout)',
  ).optional(),
  headers: z
    .record(headerName, z.string().regex(/^[^\r\n]*$/, 'must not hold a line break'))
    .default({})
    .describe('Headers added to every request sent to this subgraph'),
  dedup: z
    .enum(['shared', 'operation', 'off'])
    .default('shared')
    .describe(
      'Identical queries in flight are sent once: `shared`, across operations (same body, same headers); `operation`, within one operation; `off`, never. Mutations never are',
    ),
  policies: subgraphPoliciesSchema,
  cost: subgraphCostSchema,
  rateLimits: subgraphFieldLimitsSchema,
  cacheControl: subgraphCacheControlSchema,
  loadBalancing: loadBalancingSchema.optional(),
  pollInterval: duration(
    "Load this subgraph's schema again at this interval and recompose when it changed (overrides loading.pollInterval)",
  ).optional(),
  ...subgraphResilienceKeys,
};

/** An Apollo Federation subgraph (v1 or v2). */
export const federationSubgraphSchema = z
  .strictObject({
    ...common,
    kind: z.literal('federation').describe('An Apollo Federation subgraph (v1 or v2)'),
    url: httpUrl.describe('GraphQL endpoint of the subgraph'),
    schemaFile: z
      .string()
      .optional()
      .describe('Read the subgraph SDL from this file instead of querying `{ _service { sdl } }`'),
    sdl: inlineSdl('The subgraph SDL itself, instead of `schemaFile` or `{ _service { sdl } }`'),
  })
  .refine(atMostOneSchema, { message: ONE_SCHEMA, path: ['sdl'] });

/** A lookup field that resolves an entity of a plain GraphQL service by its key. */
export const lookupSchema = z.strictObject({
  type: z.string().describe('The object type that becomes an entity'),
  key: z.string().default('id').describe('Key fields, in federation `@key(fields:)` syntax'),
  field: z.string().describe('Query field that returns the type by key, e.g. `user` or `usersByIds`'),
  argument: z
    .string()
    .default('id')
    .describe('Argument of the lookup field that takes the key (or the list of keys)'),
  batch: z
    .boolean()
    .default(false)
    .describe('True when the field takes a list of keys and returns a list in the same order'),
});

/** A GraphQL service that knows nothing of federation. */
export const graphqlSubgraphSchema = z
  .strictObject({
    ...common,
    kind: z.literal('graphql').describe('A GraphQL service that knows nothing of federation'),
    url: httpUrl.describe('GraphQL endpoint of the service; its schema is introspected'),
    schemaFile: z.string().optional().describe('Read the SDL from this file instead of introspecting'),
    sdl: inlineSdl('The service SDL itself, instead of `schemaFile` or introspection'),
    lookups: z
      .array(lookupSchema)
      .default([])
      .describe('Lookup fields that make the service types entities other subgraphs can join'),
  })
  .refine(atMostOneSchema, { message: ONE_SCHEMA, path: ['sdl'] });

/** A REST API, described in SDL with `@rest` directives or imported from OpenAPI 3. */
export const restSubgraphSchema = z
  .strictObject({
    ...common,
    kind: z.literal('rest').describe('A REST API described in SDL with @rest, or by an OpenAPI 3 document'),
    url: httpUrl.describe('Base URL that `@rest(path:)` templates are resolved against'),
    schemaFile: z.string().optional().describe('SDL file with `@rest` / `@restLookup` mapping directives'),
    sdl: inlineSdl('The SDL with `@rest` / `@restLookup` mapping directives itself, instead of `schemaFile`'),
    openapi: z.string().optional().describe('OpenAPI 3 document (JSON or YAML file path) to import'),
    entities: z
      .array(
        z.strictObject({
          type: z.string().describe('Type generated from an OpenAPI schema'),
          key: z.string().default('id').describe('Key field'),
          operation: z.string().optional().describe('operationId that fetches one entity by key'),
          batchOperation: z
            .string()
            .optional()
            .describe('operationId that fetches many entities by a list of keys'),
          batchParameter: z
            .string()
            .optional()
            .describe('Query parameter of batchOperation that takes the keys'),
        }),
      )
      .default([])
      .describe('With `openapi`: which generated types are entities and how to fetch them'),
    concurrency: z
      .number()
      .int()
      .positive()
      .default(LOOKUP_CONCURRENCY)
      .describe('Parallel calls per lookup batch without a batch endpoint'),
  })
  .refine((s) => [s.schemaFile, s.sdl, s.openapi].filter((v) => v !== undefined).length === 1, {
    message:
      'set exactly one of `schemaFile` (SDL with @rest), `sdl` (the same, inline) or `openapi` (OpenAPI 3 document)',
    path: ['schemaFile'],
  });

export const subgraphSchema = z.discriminatedUnion('kind', [
  federationSubgraphSchema,
  graphqlSubgraphSchema,
  restSubgraphSchema,
]);
