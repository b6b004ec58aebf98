/**
 * What a field requires of its caller, and how one caller is judged against it. A field may carry
 * several requirements (its own, its return type's, its parent type's, the config's): all must
 * hold. Within one, the outer list is OR and the inner AND (Apollo Federation's
 * `@requiresScopes(scopes: [[...]])` and `@policy(policies: [[...]])`).
 */
import type { Identity } from '../../core/identity.ts';

export type Requirement =
  | { kind: 'authenticated' }
  | { kind: 'scopes'; anyOf: readonly (readonly string[])[] }
  | { kind: 'policy'; anyOf: readonly (readonly string[])[] };

/** A field's verdict for one caller: allowed, or the error code of its refusal. */
export type Verdict = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/** Runs a named policy for a caller at a coordinate (cached per request by the caller). */
export type PolicyCheck = (name: string, coordinate: string) => boolean | Promise<boolean>;

/**
 * The verdict of `requirements` for `identity`. An anonymous caller refused is UNAUTHENTICATED.
 * The named policies they name run together (each once per request: `policy` keeps results).
 */
export async function judge(
  requirements: readonly Requirement[],
  identity: Identity | undefined,
  coordinate: string,
  policy: PolicyCheck,
): Promise<Verdict> {
  const held = await Promise.all(requirements.map((r) => holds(r, identity, coordinate, policy)));
  if (held.every(Boolean)) return 'allowed';
  return identity === undefined ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

async function holds(
  requirement: Requirement,
  identity: Identity | undefined,
  coordinate: string,
  policy: PolicyCheck,
): Promise<boolean> {
  switch (requirement.kind) {
    case 'authenticated':
      return identity !== undefined;
    case 'scopes':
      return (
        identity !== undefined && requirement.anyOf.some((all) => all.every((s) => identity.scopes.has(s)))
      );
    case 'policy': {
      const alternatives = requirement.anyOf.map(async (all) =>
        (await Promise.all(all.map((name) => policy(name, coordinate)))).every(Boolean),
      );
      return (await Promise.all(alternatives)).some(Boolean);
    }
  }
}

/** The policy names a list of requirements uses. */
export function policyNames(requirements: readonly Requirement[]): string[] {
  return requirements.flatMap((r) => (r.kind === 'policy' ? r.anyOf.flat() : []));
}
