/**
 * Whose entry an answer is, for the response cache and the entity cache alike: its caller's when
 * its policy is `PRIVATE`, or when a header rule sends subgraphs a value of the caller (then an
 * anonymous caller's answers are shared by anonymous callers only); undefined for an answer every
 * caller shares; NO_OWNER when it belongs to a caller with no subject to key it by (never kept,
 * never served from the cache).
 */
import { identityOf } from '../../core/identity.ts';
import type { ForwardedInputs } from './forwarded.ts';
import type { CachePolicy } from './operation-policy.ts';
import { ownerOf } from './response-key.ts';

export const NO_OWNER = Symbol('no owner');
/** The owner of the answers made for anonymous callers when answers are kept per caller. */
const ANONYMOUS = 'anonymous';

export function ownerFor(
  forwarded: ForwardedInputs,
  policy: CachePolicy,
  request: Request,
): string | undefined | typeof NO_OWNER {
  const { perCaller } = forwarded;
  if (policy.scope !== 'PRIVATE' && !perCaller) return undefined;
  const identity = identityOf(request);
  if (identity === undefined && policy.scope !== 'PRIVATE') return ANONYMOUS;
  return ownerOf(identity, perCaller) ?? NO_OWNER;
}
