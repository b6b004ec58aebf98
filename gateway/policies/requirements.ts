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

/** The verdict of `requirements` for `identity`. An anonymous caller refused is UNAUTHENTICATED. */
export async function judge(
  requirements: readonly Requirement[],
  identity: Identity | undefined,
  coordinate: string,
  policy: PolicyCheck,
): Promise<Verdict> {
  for (const requirement of requirements) {
    if (!(await holds(requirement, identity, coordinate, policy))) {
      return identity === undefined ? 'UNAUTHENTICATED' : 'FORBIDDEN';
    }
  }
  return 'allowed';
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
    case 'policy':
      for (const all of requirement.anyOf) {
        let passed = true;
        for (const name of all) {
          if (!(await policy(name, coordinate))) {
            passed = false;
            break;
          }
        }
        if (passed) return true;
      }
      return false;
  }
}

/** The policy names a list of requirements uses. */
export function policyNames(requirements: readonly Requirement[]): string[] {
  return requirements.flatMap((r) => (r.kind === 'policy' ? r.anyOf.flat() : []));
}
