/**
 * Field policies in the config (the `policies` room, `gateway/policies/`): the requirements a
 * backend's fields carry when its SDL cannot say so (REST, plain GraphQL), and the named policies
 * that `@policy(policies:)` refers to. Federation subgraphs mark their fields in their own SDL.
 */
import { z } from 'zod';
import type { Identity } from '../../core/identity.ts';
import { duration } from './duration.ts';

/** A named policy written in code: the caller (undefined when anonymous) and the field's coordinate. */
export type PolicyFunction = (
  identity: Identity | undefined,
  coordinate: string,
) => boolean | Promise<boolean>;

const coordinate = z
  .string()
  .regex(
    /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/,
    'must be a schema coordinate: `Type.field`, or `Type` for every field returning that type',
  );

const anyOfAll = (what: string) =>
  z
    .array(z.array(z.string().min(1)).min(1))
    .min(1)
    .describe(`${what}: a list of alternatives (any one suffices), each a list that must all hold`);

/** What one field (or every field returning one type) requires of its caller. */
export const fieldRequirementSchema = z
  .strictObject({
    authenticated: z
      .literal(true)
      .optional()
      .describe('The caller must be authenticated (as `@authenticated`)'),
    requiresScopes: anyOfAll('Scopes the caller must hold (as `@requiresScopes(scopes:)`)').optional(),
    policy: anyOfAll('Named policies (`policies.named`) that must pass (as `@policy(policies:)`)').optional(),
  })
  .refine((r) => r.authenticated || r.requiresScopes || r.policy, {
    message: 'set at least one of `authenticated`, `requiresScopes` or `policy`',
  });

/** The requirements of a subgraph's fields, by schema coordinate (`subgraphs[].policies`). */
export const subgraphPoliciesSchema = z
  .record(coordinate, fieldRequirementSchema)
  .optional()
  .describe(
    "Requirements on this subgraph's fields, by schema coordinate (`Query.me`, `User.email`; `User` for every field returning `User`), as the `@authenticated`, `@requiresScopes` and `@policy` directives would set them",
  );

const claimRule = z.union([
  z.strictObject({
    claim: z.string().min(1).describe('The claim to read (`a.b` reads a nested claim)'),
    equals: z
      .union([z.string(), z.number(), z.boolean()])
      .describe('Passes when the claim (or one of its items) equals this'),
  }),
  z.strictObject({
    claim: z.string().min(1).describe('The claim to read (`a.b` reads a nested claim)'),
    oneOf: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .describe('Passes when the claim (or one of its items) is one of these'),
  }),
]);

const policyFunction = z.custom<PolicyFunction>((value) => typeof value === 'function', {
  message: 'must be a claim rule `{ claim, equals }` / `{ claim, oneOf }`, or a function (TS config)',
});

/** Field policies: named policies and what a caller who may not see a field gets. */
export const policiesSchema = z
  .strictObject({
    named: z
      .record(z.string().min(1), z.union([claimRule, policyFunction]))
      .default({})
      .describe(
        'The policies `@policy(policies:)` names: a claim rule (`{ claim: role, equals: admin }`, `{ claim: groups, oneOf: [a, b] }`) or, in a TypeScript config, a function `(identity, coordinate) => boolean | Promise<boolean>`; a name used and not defined here stops the gateway from starting',
      ),
    onDenied: z
      .enum(['remove', 'reject'])
      .default('remove')
      .describe(
        '`remove`: a field the caller may not see is taken out of the operation and answered null with an UNAUTHENTICATED or FORBIDDEN error at its path, the rest is served; `reject`: the whole operation is refused with those errors',
      ),
    timeout: duration(
      'Most time a named policy may take for one field; past it the field is refused (FORBIDDEN; UNAUTHENTICATED for an anonymous caller) and an error is logged',
    ).default(1_000),
  })
  .describe('Field policies: `@authenticated`, `@requiresScopes` and `@policy` on fields and types');

export type PoliciesConfig = z.output<typeof policiesSchema>;
export type SubgraphPoliciesConfig = z.output<typeof subgraphPoliciesSchema>;
export type FieldRequirementConfig = z.output<typeof fieldRequirementSchema>;
