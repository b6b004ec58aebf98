/**
 * The `loadShedding` section (the load-shedding room, `gateway/load-shedding/`): a concurrency
 * limit on the whole gateway (fixed, or adaptive: AIMD driven by latency), priority classes given
 * to requests by rules (operation name, client name, the caller's plan, tenant or claims), and
 * what a shed request is told (503, `Retry-After`). docs/resilience.md says what each one does.
 */
import { z } from 'zod';
import { HEADER_NAME } from '../../core/header-name.ts';
import { duration } from './duration.ts';

/** Header names as Fetch's `Headers` reads them: lower case tokens. */
const CLASS = /^[A-Za-z0-9_.-]{1,64}$/;
const DEFAULT_CLASSES = ['critical', 'high', 'normal', 'low'];
/** Most requests in flight a limit may allow (far above what one process serves). */
const MAX_LIMIT = 1_000_000;

const className = z
  .string()
  .regex(CLASS, 'must be 1 to 64 letters, digits, `_`, `.` or `-`')
  .describe('The name of a priority class (one of `classes`)');

const limitCount = z
  .number({ error: 'must be a whole number of 1 or more' })
  .int('must be a whole number of 1 or more')
  .positive('must be a whole number of 1 or more')
  .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`);

const adaptiveLimit = z
  .strictObject({
    initial: limitCount.default(64).describe('The limit at startup, before any latency is measured'),
    min: limitCount.default(4).describe('The limit never shrinks below this many requests in flight'),
    max: limitCount.default(1024).describe('The limit never grows past this many requests in flight'),
  })
  .refine((l) => l.min <= l.initial && l.initial <= l.max, {
    message: 'must have min <= initial <= max; change one of them',
  });

const values = (what: string) => z.array(z.string().min(1)).min(1).optional().describe(what);

/** One rule: the class of the requests that match every condition it sets. */
export const loadSheddingRuleSchema = z
  .strictObject({
    class: className.describe('The class of the requests this rule matches (one of `classes`)'),
    operationName: values(
      'Operation names that match (the `operationName` sent, else the name of the operation the document begins with); the client chooses it, so do not rely on it alone for a class that must not be claimed',
    ),
    clientName: values('Client names (the first of `clientNameHeaders` sent) that match'),
    plan: values(
      "The caller's plans that match (the verified identity's `plan`: the plan claim, the API key's)",
    ),
    tenant: values("The caller's tenants that match (the verified identity's `tenant`)"),
    claim: z
      .record(z.string().min(1), z.array(z.union([z.string(), z.number(), z.boolean()])).min(1))
      .refine((claims) => Object.keys(claims).length > 0, 'must name at least one claim')
      .optional()
      .describe(
        'Verified claims that match: each named claim must hold one of the listed values (or, for a list claim, contain one), e.g. `{ plan: [enterprise] }`',
      ),
  })
  .refine((r) => [r.operationName, r.clientName, r.plan, r.tenant, r.claim].some((c) => c !== undefined), {
    message: 'sets no condition; add `operationName`, `clientName`, `plan`, `tenant` or `claim`',
  })
  .describe('Requests matching every condition set here get `class` (the first matching rule wins)');

export const loadSheddingSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Shed requests over the concurrency limit, lowest priority class first'),
    limit: z
      .union([limitCount, adaptiveLimit], {
        error: (issue) =>
          `must be a whole number of 1 or more (a fixed limit) or { initial, min, max } (adaptive), not ${JSON.stringify(issue.input)}`,
      })
      .prefault({})
      .transform((l) => (typeof l === 'number' ? { initial: l, min: l, max: l } : l))
      .describe(
        'Requests in flight the gateway admits: a number for a fixed limit, or `{ initial, min, max }` (default `{ initial: 64, min: 4, max: 1024 }`) for a limit that grows by one while requests answer within `latencyTarget` and shrinks by `backoff` when they do not',
      ),
    latencyTarget: duration(
      'Adaptive limit: a request answered slower than this shrinks the limit; faster ones let it grow',
    ).default(1_000),
    backoff: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.9)
      .describe(
        'Adaptive limit: the limit is multiplied by this when it shrinks (at most once per latencyTarget)',
      ),
    classes: z
      .array(className)
      .min(1)
      .default(DEFAULT_CLASSES)
      .describe('Priority classes, highest first; the last is shed first'),
    defaultClass: className.default('normal').describe('The class of a request no rule matches'),
    neverShed: z
      .array(className)
      .optional()
      .describe(
        'Classes never shed (they still count in flight); default: `[critical]` when `classes` has it, else none',
      ),
    lowestShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe(
        'The share of the limit the lowest class may fill: it is shed once this share is in flight; the shares rise evenly to 1 for the highest class that may be shed',
      ),
    rules: z.array(loadSheddingRuleSchema).default([]).describe('Which requests get which class, in order'),
    clientNameHeaders: z
      .array(z.string().regex(HEADER_NAME, 'must be an HTTP header name'))
      .min(1)
      .default(['graphql-client-name', 'x-graphql-client-name', 'apollographql-client-name'])
      .transform((names) => names.map((n) => n.toLowerCase()))
      .describe('Headers naming the client (for `rules[].clientName`), the first one sent wins'),
    retryAfter: duration('What `Retry-After` tells a shed request, rounded up to whole seconds').default(
      1_000,
    ),
  })
  .superRefine(checkClassNames)
  .describe('Load shedding: a concurrency limit, with the lowest priority class shed first (HTTP 503)');

/** Every class named (`defaultClass`, `neverShed`, `rules[].class`) is one of `classes`, once. */
function checkClassNames(
  config: { classes: string[]; defaultClass: string; neverShed?: string[]; rules: { class: string }[] },
  ctx: z.RefinementCtx,
): void {
  const known = new Set(config.classes);
  const fix = `use one of ${config.classes.join(', ')}, or add it to \`classes\``;
  config.classes.forEach((name, index) => {
    if (config.classes.indexOf(name) !== index)
      ctx.addIssue({ code: 'custom', path: ['classes', index], message: `lists "${name}" twice` });
  });
  const check = (name: string, path: (string | number)[]) => {
    if (!known.has(name)) ctx.addIssue({ code: 'custom', path, message: `"${name}" is no class; ${fix}` });
  };
  check(config.defaultClass, ['defaultClass']);
  for (const [index, name] of (config.neverShed ?? []).entries()) check(name, ['neverShed', index]);
  for (const [index, rule] of config.rules.entries()) check(rule.class, ['rules', index, 'class']);
  const shed = config.classes.filter((name) => !(config.neverShed ?? ['critical']).includes(name));
  if (shed.length === 0)
    ctx.addIssue({
      code: 'custom',
      path: [config.neverShed === undefined ? 'classes' : 'neverShed'],
      message: 'leaves no class that may be shed; add a class below the ones never shed, or set `neverShed`',
    });
}

/** The `loadShedding` section once checked and resolved. */
export type LoadSheddingConfig = z.output<typeof loadSheddingSchema>;
/** One rule of `loadShedding.rules`, resolved. */
export type LoadSheddingRule = z.output<typeof loadSheddingRuleSchema>;
