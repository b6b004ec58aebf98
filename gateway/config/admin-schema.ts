/**
 * The `admin` section (the admin room, `gateway/admin/`): the authenticated endpoint where the
 * platform team acts on a running gateway (purging cached answers) and backend teams publish to
 * the registry. Off by default; on, it needs a token or a JWT scope (`admin.scope`, verified by
 * `auth.jwt`), so it never answers an anonymous caller; on a port of its own with `admin.port`.
 */
import { z } from 'zod';
import { secretValue } from './secret.ts';

export const adminSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Serve the admin endpoint (off by default)'),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/, 'must be a URL path such as `/admin` (no trailing `/`)')
      .default('/admin')
      .describe(
        'Where the admin endpoint answers: `POST <path>/cache/purge`; with the registry, `<path>/subgraphs`, `<path>/subgraphs/<name>/versions`, `<path>/check`, `<path>/subgraphs/<name>/rollback` (docs/registry.md); with usage, `<path>/usage/operations`, `<path>/usage/coordinates/<coordinate>` (docs/usage.md)',
      ),
    token: secretValue(
      'The bearer token admin requests carry (`Authorization: Bearer ...`), 16 characters or more; optional with `scope`',
    ).optional(),
    scope: z
      .string()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be one OAuth scope: printable, no space, `"` or `\\`')
      .optional()
      .describe(
        'Also accept a bearer JWT verified by `auth.jwt` (keys, issuer, audience, expiry) whose `scope` (or `scp`) claim holds this scope, e.g. `gatehouse:admin`; a valid JWT without it is refused with 403 FORBIDDEN. Its `sub` is recorded as the author of registry publishes and rollbacks',
      ),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .optional()
      .describe(
        'Serve the admin endpoint on this port of `server.host` only, not on the gateway server (0 picks a free one); absent: at `path` of the gateway server',
      ),
  })
  .superRefine((admin, ctx) => {
    if (admin.enabled && admin.token === undefined && admin.scope === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message:
          'is needed with `enabled: true` (unless `scope` is set): set `token: { env: GATEHOUSE_ADMIN_TOKEN }` (16 characters or more), or `scope: gatehouse:admin` to accept JWTs with that scope',
      });
    if (typeof admin.token === 'string' && admin.token.length < MIN_TOKEN_LENGTH)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `is ${admin.token.length} characters: use ${MIN_TOKEN_LENGTH} or more (e.g. \`openssl rand -hex 32\`)`,
      });
  })
  .describe(
    'The admin endpoint: purging cached answers (docs/caching.md, "Purging"), the schema registry (docs/registry.md), recorded usage (docs/usage.md)',
  );
export type AdminConfig = z.output<typeof adminSchema>;

/**
 * Across sections: `admin.scope` needs `auth.jwt` (what verifies the JWTs); `admin.port` may not
 * be the gateway's port or the metrics port.
 */
export function checkAdminAuth(
  config: { admin?: unknown; auth?: unknown; server?: unknown; metrics?: unknown },
  ctx: z.RefinementCtx,
): void {
  const admin = isPlain(config.admin) ? config.admin : {};
  if (admin.enabled !== true) return;
  const auth = isPlain(config.auth) ? config.auth : {};
  if (admin.scope !== undefined && auth.jwt === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['admin', 'scope'],
      message:
        'needs `auth.jwt` to verify the JWTs it accepts: configure `auth.jwt` (issuer, audience, jwks), or remove `admin.scope` and use `admin.token`',
    });
  const port = admin.port;
  if (typeof port !== 'number' || port === 0) return;
  const server = isPlain(config.server) ? config.server : {};
  const metrics = isPlain(config.metrics) ? config.metrics : {};
  for (const [name, other] of [
    ['server.port', server.port ?? 4000],
    ['metrics.port', metrics.enabled === false ? undefined : metrics.port],
  ] as const) {
    if (other !== port) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['admin', 'port'],
      message: `${port} is also ${name}; pick another port (or 0 for a free one), or leave \`admin.port\` out to serve the admin endpoint at \`admin.path\` of the gateway`,
    });
  }
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The shortest admin token accepted. */
export const MIN_TOKEN_LENGTH = 16;
