/**
 * `subgraphs[].loadBalancing`: several URLs for one subgraph (the room is gateway/load-balancing/).
 * How calls are spread over them (round robin, least in flight, weighted), the client header that
 * pins a call to one of them, active health checks and passive outlier ejection. Part of the one
 * config schema through `subgraphs-schema.ts`; docs/resilience.md says what each key does.
 */
import { z } from 'zod';
import { HEADER_NAME } from '../../core/header-name.ts';
import { duration } from './duration.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const headerName = z
  .string()
  .regex(HEADER_NAME, 'is not a valid HTTP header name')
  .transform((name) => name.toLowerCase());

/** One URL the subgraph's calls may be sent to. */
export const loadBalancingTargetSchema = z
  .strictObject({
    url: httpUrl.describe(
      "Where calls go instead of the subgraph's `url`: a call to the subgraph's `url` (or to a path below it, for REST) is sent to this URL (or the same path below it)",
    ),
    weight: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .optional()
      .describe(
        'With `strategy: weighted`: the share of calls this URL gets, relative to the others (95 and 5: 5% to the second); 1 when left out',
      ),
    version: z
      .string()
      .regex(HEADER_NAME, 'must be a token: letters, digits and `-._~!#$%&*+^`|`')
      .optional()
      .describe(
        'A name for this URL (`v2`): a client request whose `pinHeader` holds it sends its calls to this URL only',
      ),
  })
  .describe('One URL of the subgraph');

/** Active health checks of each target. */
export const healthCheckSchema = z
  .strictObject({
    path: z
      .string()
      .regex(/^\/[^\s]*$/, 'must be an absolute path, such as `/health`')
      .optional()
      .describe("GET this path on the target's origin; healthy when it answers 2xx"),
    query: z
      .string()
      .min(1)
      .optional()
      .describe(
        "POST this GraphQL query (`{ __typename }`) to the target's URL; healthy when it answers 2xx with no `errors`",
      ),
    interval: duration('Time between the end of one check of a target and the start of the next').default(
      5_000,
    ),
    timeout: duration(
      'Deadline of one check; past it the check failed. Checks of one target never overlap: the next starts `interval` after one ends',
    ).default(2_000),
    healthyThreshold: z
      .number()
      .int()
      .positive()
      .default(2)
      .describe('Checks in a row that must succeed before an unhealthy target takes calls again'),
    unhealthyThreshold: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe('Checks in a row that must fail before a healthy target stops taking calls'),
  })
  .refine((c) => (c.path === undefined) !== (c.query === undefined), {
    message:
      'set exactly one of `path` (a GET expecting 2xx) or `query` (a GraphQL query expecting no errors)',
    path: ['path'],
  })
  .describe('Active health checks of each target (off when left out)');

/** Passive outlier ejection: targets whose calls keep failing are taken out for a while. */
export const outlierDetectionSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Eject targets whose calls keep failing'),
    consecutiveFailures: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe(
        'Calls in a row that failed (unreachable, timed out, HTTP 502, 503 or 504) that eject the target; a success resets the count',
      ),
    baseEjectionTime: duration(
      'How long a target is ejected the first time; each ejection in a row adds as much again (the second lasts twice as long)',
    ).default(30_000),
    maxEjectionTime: duration(
      'The longest ejection; a target that stayed in this long since it rejoined starts again at `baseEjectionTime`',
    ).default(300_000),
    maxEjectionPercent: z
      .number()
      .min(0)
      .max(100)
      .default(50)
      .describe(
        'Most of the targets ejected at once, in percent of them (50: one of two; one of two or more may always be); a target failing past it stays in, judged by its circuit breaker. 100 lets every target be ejected',
      ),
  })
  .refine((o) => o.maxEjectionTime >= o.baseEjectionTime, {
    message: 'must be at least `baseEjectionTime`',
    path: ['maxEjectionTime'],
  })
  .describe('Passive outlier ejection (on by default)');

/** `subgraphs[].loadBalancing`. */
export const loadBalancingSchema = z
  .strictObject({
    strategy: z
      .enum(['round-robin', 'least-in-flight', 'weighted'])
      .default('round-robin')
      .describe(
        '`round-robin`: each URL in turn; `least-in-flight`: the URL with the fewest calls in flight; `weighted`: by `weight`, spread evenly (a deterministic smooth weighted round robin)',
      ),
    targets: z
      .array(loadBalancingTargetSchema)
      .min(1, 'must list at least one target')
      .describe(
        "The URLs calls to this subgraph are spread over; the subgraph's `url` stays the address calls are made to before balancing",
      ),
    pinHeader: headerName
      .optional()
      .describe(
        "A client request header naming a target's `version` (`x-subgraph-version: v2`): the request's calls to this subgraph go to that target only, and fail with SUBGRAPH_CIRCUIT_OPEN while it cannot take them. A value naming no version is ignored",
      ),
    healthCheck: healthCheckSchema.optional(),
    outlierDetection: outlierDetectionSchema.prefault({}),
  })
  .superRefine((lb, ctx) => {
    const urls = new Map<string, number>();
    const versions = new Map<string, number>();
    lb.targets.forEach((target, index) => {
      const url = target.url.replace(/\/+$/, '');
      const first = urls.get(url);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', index, 'url'],
          message: `is also targets[${first}].url; list each URL once (raise its weight to send it more)`,
        });
      } else urls.set(url, index);
      if (target.version !== undefined) {
        const same = versions.get(target.version);
        if (same !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['targets', index, 'version'],
            message: `is also targets[${same}].version; give each target its own version`,
          });
        } else versions.set(target.version, index);
      }
      if (target.weight !== undefined && lb.strategy !== 'weighted') {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', index, 'weight'],
          message: `applies only with \`strategy: weighted\` (this is ${lb.strategy}); set the strategy or remove the weight`,
        });
      }
    });
    if (lb.pinHeader !== undefined && versions.size === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['pinHeader'],
        message: 'no target has a `version` to pin to; give targets a `version` or remove `pinHeader`',
      });
    }
  })
  .describe(
    'Several URLs for this subgraph: how calls are spread over them, pinned by a client header, health-checked and ejected when they keep failing. A subgraph none of whose URLs can take a call answers SUBGRAPH_CIRCUIT_OPEN',
  );

export type LoadBalancingConfig = z.output<typeof loadBalancingSchema>;
export type LoadBalancingTargetConfig = z.output<typeof loadBalancingTargetSchema>;
export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
export type OutlierDetectionConfig = z.output<typeof outlierDetectionSchema>;
