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
export function judge(
  requirements: readonly Requirement[],
  identity: Identity | undefined,
  coordinate: string,
  policy: PolicyCheck,
): Promise<Verdict> {
  try {
    const verdict = judgeNow(requirements, identity, coordinate, policy);
    return typeof verdict === 'string' ? SETTLED[verdict] : verdict;
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `judge`, without a promise when none is needed: scopes and authentication are set lookups, and
 * a named policy that answers at once (a boolean) is used as it is. A promise only when a named
 * policy answers with one; every policy named is still consulted, as `judge` does.
 */
export function judgeNow(
  requirements: readonly Requirement[],
  identity: Identity | undefined,
  coordinate: string,
  policy: PolicyCheck,
): Verdict | Promise<Verdict> {
  let held = true;
  let pending: Promise<boolean>[] | undefined;
  for (const requirement of requirements) {
    const answer = holds(requirement, identity, coordinate, policy);
    if (typeof answer === 'boolean') held &&= answer;
    else pending = append(pending, answer);
  }
  if (pending === undefined) return verdictOf(held, identity);
  return Promise.all(pending).then((answers) => verdictOf(held && answers.every(isTrue), identity));
}

const verdictOf = (held: boolean, identity: Identity | undefined): Verdict =>
  held ? 'allowed' : identity === undefined ? 'UNAUTHENTICATED' : 'FORBIDDEN';

/** One settled promise per verdict, shared: a verdict known at once allocates nothing. */
const SETTLED: Readonly<Record<Verdict, Promise<Verdict>>> = {
  allowed: Promise.resolve('allowed'),
  UNAUTHENTICATED: Promise.resolve('UNAUTHENTICATED'),
  FORBIDDEN: Promise.resolve('FORBIDDEN'),
};

/** `list` with `item` at its end; the list is made for its first item (most calls need none). */
function append<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

/** Only `true` holds (fails closed on anything else a policy might answer). */
const isTrue = (value: unknown) => value === true;

function holds(
  requirement: Requirement,
  identity: Identity | undefined,
  coordinate: string,
  policy: PolicyCheck,
): boolean | Promise<boolean> {
  switch (requirement.kind) {
    case 'authenticated':
      return identity !== undefined;
    case 'scopes':
      return (
        identity !== undefined && requirement.anyOf.some((all) => all.every((s) => identity.scopes.has(s)))
      );
    case 'policy':
      return policiesHold(requirement.anyOf, coordinate, policy);
  }
}

/**
 * Whether one of the alternatives has every policy it names hold. Every policy of every
 * alternative is consulted (they run together); a promise only when one of them answers with one.
 */
function policiesHold(
  anyOf: readonly (readonly string[])[],
  coordinate: string,
  policy: PolicyCheck,
): boolean | Promise<boolean> {
  let any = false;
  let pending: Promise<boolean>[] | undefined;
  for (const all of anyOf) {
    let every = true;
    let waiting: Promise<boolean>[] | undefined;
    for (const name of all) {
      const answer = policy(name, coordinate);
      if (typeof answer === 'boolean') every &&= answer;
      else waiting = append(waiting, Promise.resolve(answer));
    }
    if (waiting === undefined) any ||= every;
    // An alternative already refused still waits for its policies: one that rejects rejects the verdict.
    else
      pending = append(
        pending,
        Promise.all(waiting).then((answers) => every && answers.every(isTrue)),
      );
  }
  if (pending === undefined) return any;
  return Promise.all(pending).then((answers) => any || answers.some(isTrue));
}

/** The policy names a list of requirements uses. */
export function policyNames(requirements: readonly Requirement[]): string[] {
  return requirements.flatMap((r) => (r.kind === 'policy' ? r.anyOf.flat() : []));
}
