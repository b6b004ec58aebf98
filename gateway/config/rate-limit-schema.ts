/**
 * The `rateLimit` section (the rate-limit room, `gateway/rate-limit/`): named limits on whole
 * requests, counted per identity, client address, header, or for everyone; the store that keeps
 * the counts (memory, or Redis shared by every replica); and the limits that protect each
 * subgraph. docs/rate-limits.md says what each one does.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from './duration.ts';

const ALGORITHMS = ['token-bucket', 'sliding-window', 'fixed-window', 'gcra'] as const;
const SOURCES = ['ip', 'sub', 'tenant', 'apiKey', 'global'] as const;
const HEADER_SOURCE = /^header:[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Names go into the `RateLimit-Policy` header as a quoted string, and into store keys. */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const isSource = (s: string) => (SOURCES as readonly string[]).includes(s) || HEADER_SOURCE.test(s);
const sourceProblem = (input: unknown) =>
  `unknown identity source ${JSON.stringify(input)}; use one of ${SOURCES.join(', ')} or header:<name>`;

/** Where the counter of a limit is kept: one per identity, address, header value, or one for all. */
const source = z
  .string()
  .refine(isSource, { error: (issue) => sourceProblem(issue.input) })
  .transform((s) => (s.startsWith('header:') ? s.toLowerCase() : s));

/** `by`: one source or a list (one counter per combination), always a list once resolved. */
const sources = (what: string) =>
  z
    .union([source, z.array(source).min(1)], {
      // A union reports "Invalid input": name the value that is not a source instead.
      error: (issue) => {
        const input = issue.input;
        if (Array.isArray(input)) {
          if (input.length === 0) return 'must name at least one identity source';
          const bad = input.find((item) => typeof item !== 'string' || !isSource(item));
          return sourceProblem(bad);
        }
        return sourceProblem(input);
      },
    })
    .default('ip')
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .describe(what);

const limitCount = z
  .number({ error: 'must be a whole number of 1 or more' })
  .int('must be a whole number of 1 or more')
  .positive('must be a whole number of 1 or more')
  .max(1_000_000_000, 'must be at most 1000000000');

const algorithm = z
  .enum(ALGORITHMS)
  .default('sliding-window')
  .describe(
    'How requests are counted: `sliding-window` (weighted counter over the current and previous window), `fixed-window`, `token-bucket` (bursts up to `limit`, refilled at `limit` per `window`), `gcra` (evenly spaced, bursts up to `limit`)',
  );

const onStoreError = z
  .enum(['open', 'closed'])
  .default('open')
  .describe(
    'When the shared store cannot answer in time (Redis down or slow): `open` admits requests by a limit counted in this process (`fallbackLimit`), `closed` refuses them with RATE_LIMITED',
  );

const planSchema = z
  .strictObject({
    limit: limitCount.describe('Requests (cost units) per window for callers on this plan'),
    window: duration("Window for this plan; default: the limit's `window`").optional(),
  })
  .describe("The limit for callers whose identity names this plan (the `plan` claim or the API key's plan)");

export const requestLimitSchema = z
  .strictObject({
    name: z
      .string()
      .regex(NAME, 'must be 1 to 64 letters, digits, `_`, `.` or `-` (it is sent in RateLimit headers)')
      .describe('Names the limit in `RateLimit-Policy`, in RATE_LIMITED errors and in store keys'),
    by: sources(
      'Whose requests share a counter: `ip` (the client address, see `trustedProxies`), `sub` (the JWT subject), `tenant`, `apiKey` (the API key id), `header:<name>`, `global` (everyone), or a list (one counter per combination). A caller without the value is counted by its address (see `whenMissing`)',
    ),
    whenMissing: z
      .enum(['ip', 'skip'])
      .default('ip')
      .describe(
        'A request without a value of `by` (an anonymous caller under `sub`, no such header): `ip` counts it by its address, `skip` leaves it out of this limit',
      ),
    limit: limitCount.describe('Requests per window (or cost units, with `cost`)'),
    window: duration('The window the limit counts over'),
    algorithm,
    cost: z
      .union([z.number().int().positive(), z.literal('operation')], {
        error: (issue) =>
          `must be a whole number of 1 or more, or "operation" (the operation's estimated cost), not ${JSON.stringify(issue.input)}`,
      })
      .default(1)
      .describe(
        "Units one request spends: a number, or `operation` for the operation's cost as demand control estimates it (`@cost`, `@listSize`; at least 1), so the limit is a budget of cost points per window, checked once the operation is parsed",
      ),
    plans: z
      .record(z.string().min(1), planSchema)
      .default({})
      .describe(
        "Limits by the caller's plan: a caller whose identity names a plan listed here gets that plan's limit instead of `limit`",
      ),
    onStoreError,
    fallbackLimit: limitCount
      .optional()
      .describe(
        'With `onStoreError: open`, the limit counted in each process while the store is out; default: `limit` (each replica then admits up to it)',
      ),
  })
  .describe('A limit on whole requests, checked before any GraphQL work');

export const subgraphLimitSchema = z
  .strictObject({
    limit: limitCount.describe(
      'Calls to this subgraph per window, from this gateway (or every replica with a shared store)',
    ),
    window: duration('The window the limit counts over'),
    algorithm,
    onStoreError,
  })
  .describe(
    'Protects a backend: calls past the limit are not sent, their fields are answered null with RATE_LIMITED',
  );

const fieldCoordinate = z
  .string()
  .regex(/^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$/, 'must be a field coordinate: `Type.field`');

export const fieldLimitSchema = z
  .strictObject({
    limit: limitCount.describe('Selections of the field per window (cost units, with `cost`)'),
    window: duration('The window the limit counts over'),
    by: sources(
      "Whose selections share a counter, as a request limit's `by`: `ip`, `sub`, `tenant`, `apiKey`, `header:<name>`, `global`, or a list",
    ),
    cost: z
      .number({ error: 'must be a whole number of 1 or more' })
      .int('must be a whole number of 1 or more')
      .positive('must be a whole number of 1 or more')
      .max(1_000_000, 'must be at most 1000000')
      .default(1)
      .describe('Units one selection of the field spends'),
  })
  .describe('A limit on one field, as `@rateLimit(limit:, window:, by:, cost:)` would set it');

export const subgraphFieldLimitsSchema = z
  .record(fieldCoordinate, fieldLimitSchema)
  .optional()
  .describe(
    "Limits on this subgraph's fields by coordinate, as `@rateLimit` in its SDL would set them (for REST and plain GraphQL backends): `Query.search: { limit: 10, window: 1m, by: sub }`; a coordinate not in the schema keeps it out of service",
  );

const fieldsSchema = z
  .strictObject({
    algorithm,
    onExceeded: z
      .enum(['remove', 'reject'])
      .default('remove')
      .describe(
        '`remove`: a field over its limit is taken out of the operation and answered null with RATE_LIMITED at its path, the rest is served; `reject`: the whole operation is refused (HTTP 429) and no limit is spent',
      ),
    countListItems: z
      .boolean()
      .default(false)
      .describe(
        'false: a field counts once per selection in an operation, however many list items it is resolved for; true: once per estimated item (the sizes demand control estimates from `@listSize`, slicing arguments and `demandControl.defaultListSize`)',
      ),
    whenMissing: z
      .enum(['ip', 'skip'])
      .default('ip')
      .describe(
        'A caller without a value of `by`: `ip` counts it by its address, `skip` leaves it out of the limit',
      ),
    onStoreError,
  })
  .describe(
    'How field limits (`@rateLimit` in subgraph SDL, `subgraphs[].rateLimits` in the config) count and answer',
  );

export const rateLimitSchema = z
  .strictObject({
    store: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe(
        '`memory`: counts kept in this process (one replica, or limits per replica); `redis`: counts shared by every replica through the `redis` connection, exact across them',
      ),
    storeTimeout: duration(
      "Longest wait for the shared store (Redis) to answer a request's checks; past it each limit's `onStoreError` applies",
    ).default(20),
    trustedProxies: z
      .array(
        z
          .string()
          .refine(isAddressOrRange, 'must be an IP address or a CIDR range, e.g. 10.0.0.0/8 or fd00::/8'),
      )
      .default([])
      .describe(
        "Proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges): the client address is the last one in the header that is not a trusted proxy. Empty: the connection's address, the header ignored",
      ),
    ipv6Prefix: z
      .number()
      .int()
      .min(1)
      .max(128)
      .default(64)
      .describe(
        'Bits of an IPv6 client address that `by: ip` counts by: a host usually holds a whole /64, and counting each address apart would give it 2^64 budgets',
      ),
    memoryMaxKeys: z
      .number()
      .int()
      .positive()
      .default(100_000)
      .describe(
        'Most counters the memory store keeps (about 150 bytes each; past it the least recently written go): size it above the callers active in a window',
      ),
    headers: z
      .boolean()
      .default(true)
      .describe('Send `RateLimit-Policy` and `RateLimit` on every response a limit applied to'),
    limits: z.array(requestLimitSchema).default([]).describe('Limits on whole requests, all checked'),
    fields: fieldsSchema.prefault({}),
    subgraphs: z
      .record(z.string(), subgraphLimitSchema)
      .default({})
      .describe('Limits on the calls to each subgraph, by subgraph name'),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.limits.forEach((limit, index) => {
      if (seen.has(limit.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['limits', index, 'name'],
          message: `duplicate limit name "${limit.name}"; give each limit its own name`,
        });
      }
      seen.add(limit.name);
    });
  })
  .describe('Rate limits (docs/rate-limits.md)');

export type RateLimitConfig = z.output<typeof rateLimitSchema>;
export type RequestLimitConfig = z.output<typeof requestLimitSchema>;
export type SubgraphLimitConfig = z.output<typeof subgraphLimitSchema>;
export type FieldLimitConfig = z.output<typeof fieldLimitSchema>;
export type SubgraphFieldLimitsConfig = z.output<typeof subgraphFieldLimitsSchema>;
export type FieldLimitsConfig = z.output<typeof fieldsSchema>;

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`: an address, with a prefix length its family allows. */
function isAddressOrRange(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
