/**
 * `headers`: the header rules, the headers each call to a subgraph carries beyond its configured
 * `headers` (Apollo Router's `headers: all / subgraphs` model). Rules run in order, `all` first,
 * then the subgraph's own. Every rule is checked here, at startup: names are HTTP tokens, regular
 * expressions compile, no rule forwards or sets a hop-by-hop header or one the gateway always
 * forwards itself, and no rule forwards a client's copy of a header set from the caller's
 * identity. The room is `gateway/headers`; docs/security.md, "Header rules", says what they do.
 */
import { z } from 'zod';
import { ALWAYS_FORWARDED, GATEWAY_PREFIX, HEADER_NAME, isNeverForwarded } from '../headers/names.ts';

const name = z
  .string()
  .regex(HEADER_NAME, "is not a valid HTTP header name (letters, digits and !#$%&'*+.^_`|~-)")
  .transform((value) => value.toLowerCase());

const value = z
  .string()
  .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'must hold no line break or other control character');

const regex = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source, 'i');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `is not a valid regular expression (${(error as Error).message}); write a JavaScript regular expression, e.g. "^x-tenant-"`,
      });
    }
  });

const IDENTITY_VALUES = ['subject', 'tenant', 'plan', 'scopes', 'claims'] as const;

const propagateSchema = z
  .strictObject({
    named: name.optional().describe('The client header to forward (any case)'),
    matching: regex
      .optional()
      .describe(
        'Forward every client header whose name matches this regular expression (JavaScript, any case); never `authorization`, `cookie` or the headers `auth` reads a token or API key from (forward those with `named`)',
      ),
    rename: name.optional().describe('With `named`: the name the subgraph receives it under'),
    default: value.optional().describe('With `named`: the value sent when the client sent none'),
  })
  .describe('Forward a header of the client request: `named` (optionally `rename`, `default`) or `matching`');

const insertSchema = z
  .strictObject({
    name: name.describe('The header to set'),
    value: value.optional().describe('A fixed value'),
    identity: z
      .enum(IDENTITY_VALUES)
      .optional()
      .describe(
        'A value of the verified caller: `subject`, `tenant`, `plan`, `scopes` (space-separated), `claims` (every claim as ASCII JSON; by convention under `x-gatehouse-claims`)',
      ),
    claim: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        'A verified claim: its name (`tenant_id`, `https://example.com/roles`), or its path as a list (`[org, id]`); strings as they are, other values as JSON; percent-encoded (UTF-8) unless printable ASCII without `%`',
      ),
  })
  .describe(
    'Set a header: to `value`, or from the verified caller (`identity` or `claim`; not set for an anonymous caller)',
  );

const removeSchema = z
  .strictObject({
    named: name.optional().describe('The header to remove'),
    matching: regex.optional().describe('Remove every header whose name matches this regular expression'),
  })
  .describe('Remove headers set by the rules before this one: `named` or `matching`');

/** One rule: exactly one of `propagate`, `insert`, `remove`. */
export const headerRuleSchema = z
  .strictObject({
    propagate: propagateSchema.optional(),
    insert: insertSchema.optional(),
    remove: removeSchema.optional(),
  })
  .superRefine(checkRule);

const rulesSchema = z
  .strictObject({
    request: z
      .array(headerRuleSchema)
      .default([])
      .describe('Rules for the request sent to the subgraph, applied in order'),
  })
  .describe('Header rules');

export const headersSchema = z
  .strictObject({
    all: rulesSchema.prefault({}).describe('Rules for every subgraph, applied first'),
    subgraphs: z
      .record(z.string(), rulesSchema)
      .default({})
      .describe('Rules per subgraph name, applied after `all`'),
  })
  .superRefine(checkIdentityHeaders)
  .describe(
    'Header rules: which headers each call to a subgraph carries (none of the client request by default; `traceparent`, `tracestate` and `x-request-id` always)',
  );

export type HeaderRuleConfig = z.output<typeof headerRuleSchema>;
export type HeadersConfig = z.output<typeof headersSchema>;

type RuleInput = {
  propagate?: { named?: string; matching?: string; rename?: string; default?: string };
  insert?: { name: string; value?: string; identity?: string; claim?: unknown };
  remove?: { named?: string; matching?: string };
};

function checkRule(rule: RuleInput, ctx: z.RefinementCtx): void {
  const problem = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const kinds = (['propagate', 'insert', 'remove'] as const).filter((k) => rule[k] !== undefined);
  if (kinds.length !== 1) {
    problem(
      [],
      'a rule holds exactly one of `propagate`, `insert` or `remove`; write one rule per list item',
    );
    return;
  }
  const { propagate, insert, remove } = rule;
  if (propagate) {
    if ((propagate.named === undefined) === (propagate.matching === undefined)) {
      problem(['propagate'], 'set exactly one of `named` or `matching`');
    }
    if (propagate.matching !== undefined && (propagate.rename ?? propagate.default) !== undefined) {
      problem(
        ['propagate', 'matching'],
        '`rename` and `default` go with `named` only; use one rule per header',
      );
    }
    checkSettable(propagate.named, ['propagate', 'named'], problem);
    checkSettable(propagate.rename, ['propagate', 'rename'], problem);
    if (propagate.named?.startsWith(GATEWAY_PREFIX)) {
      problem(
        ['propagate', 'named'],
        `client headers named ${GATEWAY_PREFIX}* are never forwarded; remove this rule`,
      );
    }
  }
  if (insert) {
    const sources = [insert.value, insert.identity, insert.claim].filter((s) => s !== undefined);
    if (sources.length !== 1) problem(['insert'], 'set exactly one of `value`, `identity` or `claim`');
    checkSettable(insert.name, ['insert', 'name'], problem);
  }
  if (remove) {
    if ((remove.named === undefined) === (remove.matching === undefined)) {
      problem(['remove'], 'set exactly one of `named` or `matching`');
    }
    if (remove.named !== undefined && ALWAYS_FORWARDED.has(remove.named)) {
      problem(
        ['remove', 'named'],
        'is always forwarded (tracing, request id) and cannot be removed; remove this rule',
      );
    }
  }
}

/** A header a rule would set: not hop-by-hop, not one the gateway sets on every call. */
function checkSettable(
  header: string | undefined,
  path: PropertyKey[],
  problem: (path: PropertyKey[], message: string) => void,
): void {
  if (header === undefined) return;
  if (isNeverForwarded(header)) {
    problem(
      path,
      `"${header}" is hop-by-hop or set by the gateway's HTTP client and is never forwarded; remove this rule`,
    );
  } else if (ALWAYS_FORWARDED.has(header)) {
    problem(path, `"${header}" is always forwarded by the gateway (tracing, request id); remove this rule`);
  }
}

type HeadersInput = {
  all?: { request?: RuleInput[] };
  subgraphs?: Record<string, { request?: RuleInput[] }>;
};

/** Rule lists with their config paths: `all` first, then each subgraph's. */
function ruleLists(headers: HeadersInput): Array<{ path: PropertyKey[]; rules: RuleInput[] }> {
  const lists = [{ path: ['all', 'request'] as PropertyKey[], rules: headers.all?.request ?? [] }];
  for (const [subgraph, rules] of Object.entries(headers.subgraphs ?? {})) {
    lists.push({ path: ['subgraphs', subgraph, 'request'], rules: rules.request ?? [] });
  }
  return lists;
}

/** The headers some rule sets from the caller's identity: a client's copy is never forwarded. */
export function identityHeaders(headers: HeadersInput): Set<string> {
  const names = new Set<string>();
  for (const { rules } of ruleLists(headers)) {
    for (const { insert } of rules) {
      if (insert && (insert.identity !== undefined || insert.claim !== undefined)) names.add(insert.name);
    }
  }
  return names;
}

/** No rule forwards a client header to a name set from identity (that would let it be spoofed). */
function checkIdentityHeaders(headers: HeadersInput, ctx: z.RefinementCtx): void {
  const fromIdentity = identityHeaders(headers);
  for (const { path, rules } of ruleLists(headers)) {
    rules.forEach(({ propagate }, index) => {
      const target = propagate?.rename ?? propagate?.named;
      if (target === undefined || !fromIdentity.has(target)) return;
      ctx.addIssue({
        code: 'custom',
        path: [...path, index, 'propagate', propagate?.rename ? 'rename' : 'named'],
        message: `"${target}" is set from the caller's identity, so a client's copy is never forwarded; remove this rule`,
      });
    });
  }
}

/**
 * `headers.subgraphs` of `config` names configured subgraphs (when the config lists any, and
 * serves no supergraph file, whose subgraphs need no entry).
 */
export function checkHeaderSubgraphs(
  config: object,
  known: ReadonlyMap<string, unknown>,
  ctx: z.RefinementCtx,
): void {
  const { headers, supergraph } = config as { headers?: HeadersInput; supergraph?: unknown };
  const subgraphs = headers?.subgraphs;
  if (typeof subgraphs !== 'object' || subgraphs === null || known.size === 0 || supergraph !== undefined) {
    return;
  }
  for (const subgraph of Object.keys(subgraphs)) {
    if (known.has(subgraph)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['headers', 'subgraphs', subgraph],
      message: `names no subgraph; use one of ${[...known.keys()].join(', ')}`,
    });
  }
}
