/**
 * The config keys of the "safe by default" rooms: `limits` (request and operation limits), and
 * the `server` keys of production mode, CSRF prevention and uploads. Imported by `schema.ts`.
 * Every limit is on by default; `0` or `false` turns one off. docs/security.md says why each
 * default is what it is.
 */
import { z } from 'zod';
import { HEADER_NAME } from '../../core/header-name.ts';

/** A limit: a positive whole number, or `0` / `false` for none (resolved to 0). */
const limit = (fallback: number, what: string) =>
  z
    .union([z.number().int().min(0), z.literal(false)])
    .transform((value) => (value === false ? 0 : value))
    .default(fallback)
    .describe(`${what}; \`0\` or \`false\`: no limit`);

const refused = 'rejected with OPERATION_LIMIT_EXCEEDED (HTTP 400) before any upstream call';

export const limitsSchema = z
  .strictObject({
    maxRequestBodySize: z
      .union([z.number().int().positive(), z.literal(false)])
      .default(1024 * 1024)
      .describe(
        'Largest request body read, in bytes; larger ones get HTTP 413 before any GraphQL work; `false`: no limit',
      ),
    maxFields: limit(
      2000,
      `Most fields an operation may select once its fragments are expanded (a fragment counts wherever it is spread); ${refused}`,
    ),
    maxTokens: limit(4000, `Most lexical tokens in a document, counted before it is parsed; ${refused}`),
    maxDepth: limit(
      20,
      `Deepest field nesting of an operation, fragments expanded (the text's bracket nesting is also held to twice this plus 10 before parsing); ${refused}`,
    ),
    maxAliases: limit(30, `Most aliases in an operation, fragments expanded; ${refused}`),
    maxRootFields: limit(
      30,
      `Most fields at the root of an operation (aliases included, fragments expanded); ${refused}`,
    ),
    maxDuplicateFields: limit(
      50,
      `Most fields with one response key in one selection set, fragments at its level merged (validation compares them pairwise: \`{ a { x } a { x } ... }\` a thousand times costs a second); ${refused}`,
    ),
    maxDirectivesPerField: limit(
      5,
      `Most directives on one field, fragment spread, inline fragment or definition; ${refused}`,
    ),
    maxDirectives: limit(50, `Most directives in a document; ${refused}`),
    maxOperations: limit(10, `Most operation definitions in a document; ${refused}`),
    maxVariableDepth: limit(
      16,
      `Deepest nesting of lists and input objects in the variables' values; ${refused}`,
    ),
    maxVariableValues: limit(
      10_000,
      `Most values (scalars, lists and objects) in the variables of one request; ${refused}`,
    ),
  })
  .describe('Limits that keep one request from taking the gateway down (docs/security.md)');

const mode = (what: string) =>
  z.boolean().optional().describe(`${what}; default: off in production mode, on otherwise`);

/** The `server` keys of production mode, introspection, GraphiQL, CSRF prevention and uploads. */
export const serverSecurityKeys = {
  production: z
    .boolean()
    .optional()
    .describe(
      'Production mode: introspection, field suggestions and GraphiQL default to off; default: true when NODE_ENV is `production`',
    ),
  graphiql: mode('Serve GraphiQL on GET requests from browsers'),
  introspection: mode('Answer `__schema` and `__type` (`__typename` is always answered)'),
  fieldSuggestions: mode('"Did you mean ...?" in validation and variable errors'),
  csrf: z
    .strictObject({
      contentTypes: z
        .array(z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type, e.g. application/json'))
        .default(['application/json', 'application/graphql-response+json'])
        .describe(
          'Media types of POST bodies that are executed; others get UNSUPPORTED_MEDIA_TYPE (HTTP 415) before the body is read. Adding one a browser may send cross-site without a preflight (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`) lets any web page run mutations as the user',
        ),
      preflightHeaders: z
        .array(z.string().regex(HEADER_NAME, 'is not a valid HTTP header name'))
        .min(1)
        .default(['graphql-preflight', 'apollo-require-preflight', 'x-graphql-yoga-csrf'])
        .describe(
          'With `uploads`, a `multipart/form-data` POST must carry one of these headers (non-empty): a browser sends none cross-site without a CORS preflight',
        ),
    })
    .prefault({})
    .describe('CSRF prevention: which POSTs may run operations'),
  uploads: z
    .boolean()
    .default(false)
    .describe(
      'Accept `multipart/form-data` POSTs (GraphQL multipart request: file uploads), each with a header of `csrf.preflightHeaders` (else BAD_REQUEST, HTTP 400)',
    ),
};
