/**
 * The `admin` section (the admin room, `gateway/admin/`): the authenticated endpoint where the
 * platform team acts on a running gateway (purging cached answers) and backend teams publish to
 * the registry. Off by default; on, it needs a
 * token, so it never answers an anonymous caller.
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
      'The bearer token admin requests carry (`Authorization: Bearer ...`), 16 characters or more',
    ).optional(),
  })
  .superRefine((admin, ctx) => {
    if (admin.enabled && admin.token === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message:
          'is needed with `enabled: true`: set `token: { env: GATEHOUSE_ADMIN_TOKEN }` (16 characters or more)',
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

/** The shortest admin token accepted. */
export const MIN_TOKEN_LENGTH = 16;
