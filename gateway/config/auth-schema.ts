/**
 * The `auth` section of the config: who may call the gateway (JWT, API keys, OAuth 2.0 token
 * introspection) and whether every operation needs a caller. Read by `gateway/auth`; the checks
 * across fields (an HMAC algorithm with a key set, a secret too short for its algorithm) are here,
 * so that every problem is reported with the others, at startup.
 */
import { z } from 'zod';
import { HEADER_NAME } from '../../core/header-name.ts';
import { duration } from './duration.ts';
import { secretValue } from './secret.ts';

/** Algorithms a JWT may be signed with; `none` is not one of them, and never will be. */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The shortest shared secret each HMAC algorithm accepts, in bytes (RFC 7518 §3.2: the hash size). */
export const HMAC_SECRET_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export const isHmac = (algorithm: string) => algorithm.startsWith('HS');

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const headerName = z.string().regex(HEADER_NAME, 'is not a valid HTTP header name');

const algorithmProblem = (input: unknown) =>
  input === 'none'
    ? '"none" means an unsigned token anyone can write; remove it and list the algorithms your issuer signs with'
    : `must be one of ${JWT_ALGORITHMS.join(', ')}, not ${JSON.stringify(input)}`;

export const jwtSchema = z
  .strictObject({
    jwks: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
          .optional()
          .describe("URL of the issuer's JSON Web Key Set (`/.well-known/jwks.json`)"),
        file: z.string().optional().describe('A local JSON Web Key Set file (public keys)'),
        secret: secretValue('Shared HMAC secret (HS256, HS384, HS512)').optional(),
        timeout: duration('Deadline of one fetch of the key set').default(5_000),
        maxAge: duration(
          'How long a fetched key set is used before it is fetched again (the last good set is kept while fetches fail)',
        ).default(600_000),
        cooldown: duration(
          'Least time between two fetches of the key set caused by a token whose `kid` it lacks',
        ).default(30_000),
      })
      .describe('Where the verification keys come from: exactly one of `url`, `file` or `secret`'),
    issuer: stringOrList.optional().describe('Accepted `iss` values; absent: not checked'),
    audience: stringOrList
      .optional()
      .describe('Accepted `aud` values (the token needs one of them); absent: not checked'),
    typ: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Required `typ` header, e.g. `at+jwt` for OAuth access tokens (RFC 9068), so that an ID token of the same issuer is refused; absent: not checked',
      ),
    algorithms: z
      .array(z.enum(JWT_ALGORITHMS, { error: (issue) => algorithmProblem(issue.input) }))
      .min(1, 'list at least one algorithm your issuer signs with, e.g. [RS256]')
      .describe('Accepted signing algorithms (required; `none` is never accepted)'),
    clockTolerance: duration('Leeway for `exp` and `nbf` against clock skew').default(5_000),
    requireExp: z
      .boolean()
      .default(true)
      .describe(
        'Refuse a token without `exp` (one would be valid forever); false only for an issuer that never sets it',
      ),
  })
  .describe('JSON Web Tokens, verified with `jose`');

export const apiKeySchema = z.strictObject({
  id: z.string().min(1).describe("The caller this key stands for (the identity's subject)"),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the key in lower-case hex (64 characters), not the key')
    .describe('SHA-256 of the key, lower-case hex (docs/security.md shows how to compute it)'),
  tenant: z.string().optional().describe('Tenant the caller acts for'),
  plan: z.string().optional().describe("The caller's plan"),
  scopes: z.array(z.string().min(1)).default([]).describe('Scopes granted to the caller'),
});

export const apiKeysSchema = z
  .strictObject({
    header: headerName.default('x-api-key').describe('Request header carrying the key'),
    keys: z.array(apiKeySchema).min(1).describe('Accepted keys, as hashes, each with its identity'),
  })
  .describe('API keys, configured as SHA-256 hashes');

export const introspectionSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .describe('Introspection endpoint of the authorization server (RFC 7662)'),
    clientId: z.string().min(1).optional().describe('Client id sent with HTTP Basic authentication'),
    clientSecret: secretValue('Client secret sent with HTTP Basic authentication').optional(),
    timeout: duration('Deadline of one introspection call').default(5_000),
    maxAge: duration(
      'Longest time an introspection answer is reused (shorter when the token expires sooner)',
    ).default(60_000),
    negativeCacheTtl: duration(
      'How long a refused token is refused again without asking the server (at most 1 minute: a token may become active)',
    ).default(5_000),
    audience: stringOrList
      .optional()
      .describe("Accepted `aud` values (the answer's `aud` needs one of them); absent: not checked"),
  })
  .describe('OAuth 2.0 token introspection for opaque tokens');

const authObject = z.strictObject({
  required: z
    .boolean()
    .default(false)
    .describe(
      'true: every operation needs a valid identity (HTTP 401 otherwise); false: anonymous callers pass and field policies decide',
    ),
  jwt: jwtSchema.optional(),
  apiKeys: apiKeysSchema.optional(),
  introspection: introspectionSchema.optional(),
  token: z
    .strictObject({
      header: headerName.optional().describe('Also read the token from this header (after `Authorization`)'),
      cookie: z
        .string()
        .regex(HEADER_NAME, 'is not a valid cookie name')
        .optional()
        .describe('Also read the token from this cookie (after the headers)'),
    })
    .prefault({})
    .describe('Where a bearer token is read: `Authorization: Bearer`, then these'),
  claims: z
    .strictObject({
      tenant: z.string().min(1).default('tenant').describe('Claim holding the tenant'),
      plan: z.string().min(1).default('plan').describe("Claim holding the caller's plan"),
    })
    .prefault({})
    .describe('Claim names read into the identity (JWT and introspection)'),
  maxTokenSize: z
    .number()
    .int()
    .positive()
    .default(8_192)
    .describe('Longest credential accepted, in characters; a longer one is a 401 before it is parsed'),
  cacheSize: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Most verified tokens kept until they expire (least recently used out first)'),
  realm: z
    .string()
    .regex(
      /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/,
      'must be printable ASCII without `"` or `\\` (it is sent as a quoted string in WWW-Authenticate)',
    )
    .default('gatehouse')
    .describe('Realm named in `WWW-Authenticate` (printable ASCII, without `"` or `\\`)'),
});

export const authSchema = authObject
  .superRefine(checkAuth)
  .describe('Who is calling: JWT, API keys, token introspection (docs/security.md)');

export type AuthConfig = z.output<typeof authSchema>;
export type AuthConfigInput = z.input<typeof authSchema>;
export type JwtConfig = z.output<typeof jwtSchema>;
export type ApiKeysConfig = z.output<typeof apiKeysSchema>;
export type IntrospectionConfig = z.output<typeof introspectionSchema>;

/** Rules across fields; each problem names its path and what to change. */
function checkAuth(auth: z.output<typeof authObject>, ctx: z.RefinementCtx): void {
  if (auth.required && !auth.jwt && !auth.apiKeys && !auth.introspection) {
    ctx.addIssue({
      code: 'custom',
      path: ['required'],
      message:
        'needs a way to authenticate: configure `jwt`, `apiKeys` or `introspection`, or set it to false',
    });
  }
  if (auth.jwt) checkJwt(auth.jwt, ctx);
  const seen = new Map<string, number>();
  auth.apiKeys?.keys.forEach((key, index) => {
    const first = seen.get(key.sha256);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeys', 'keys', index, 'sha256'],
        message: `is the same key as apiKeys.keys[${first}]; give each caller its own key`,
      });
    } else seen.set(key.sha256, index);
  });
  if (
    auth.introspection &&
    (auth.introspection.clientId === undefined) !== (auth.introspection.clientSecret === undefined)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['introspection', 'clientSecret'],
      message: 'set both `clientId` and `clientSecret`, or neither',
    });
  }
  if (auth.introspection && auth.introspection.negativeCacheTtl > MAX_NEGATIVE_TTL) {
    ctx.addIssue({
      code: 'custom',
      path: ['introspection', 'negativeCacheTtl'],
      message: `keep it at most ${MAX_NEGATIVE_TTL / 1000} s: a refusal is kept only to absorb floods, and a token refused by an outage would stay refused`,
    });
  }
}

/** Longest time a refused token is refused without asking again, in ms. */
const MAX_NEGATIVE_TTL = 60_000; // 1 min

function checkJwt(jwt: JwtConfig, ctx: z.RefinementCtx): void {
  const { jwks, algorithms } = jwt;
  const sources = [jwks.url, jwks.file, jwks.secret].filter((s) => s !== undefined).length;
  if (sources !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['jwt', 'jwks'],
      message: 'set exactly one of `url` (a JWKS endpoint), `file` (a local JWKS) or `secret` (HMAC)',
    });
    return;
  }
  const hmac = algorithms.filter(isHmac);
  if (jwks.secret === undefined && hmac.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['jwt', 'algorithms'],
      message: `${hmac.join(', ')} verify with a shared secret, not a key set; remove them, or use \`jwks.secret\``,
    });
  }
  if (jwks.secret !== undefined) {
    const asymmetric = algorithms.filter((a) => !isHmac(a));
    if (asymmetric.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwt', 'algorithms'],
        message: `${asymmetric.join(', ')} need public keys; with \`jwks.secret\` list only HS256, HS384 or HS512`,
      });
    }
    if (typeof jwks.secret === 'string') {
      const problem = secretProblem(jwks.secret, algorithms);
      if (problem) ctx.addIssue({ code: 'custom', path: ['jwt', 'jwks', 'secret'], message: problem });
    }
  }
}

/** What is wrong with `secret` for `algorithms` (too short for one of them), or undefined. */
export function secretProblem(secret: string, algorithms: readonly string[]): string | undefined {
  const needed = Math.max(0, ...algorithms.map((a) => HMAC_SECRET_BYTES[a] ?? 0));
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes >= needed) return undefined;
  const hmac = algorithms.filter(isHmac);
  return `is ${bytes} bytes; ${hmac.join(', ')} ${hmac.length === 1 ? 'needs' : 'need'} at least ${needed} (generate one with \`openssl rand -base64 ${needed}\`)`;
}
