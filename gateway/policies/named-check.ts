/**
 * The named policies (`policies.named`) as one request consults them: each (policy, coordinate)
 * once, with a deadline.
 */
import type { Identity } from '../../core/identity.ts';
import type { Logger } from '../logger/index.ts';
import type { ResolvedPolicies } from './config.ts';
import type { PolicyCheck } from './requirements.ts';

/**
 * Named policies for one request: each (policy, coordinate) runs once; a throw refuses, and so
 * does a policy that has not answered within `policies.timeout` (both logged). The results' map is
 * made when a named policy is first consulted: most operations (all of them on a graph without
 * policies) consult none.
 */
export function policyCheck(
  resolved: ResolvedPolicies,
  identity: Identity | undefined,
  logger: Logger,
): PolicyCheck {
  let results: Map<string, boolean | Promise<boolean>> | undefined;
  const refuse = (name: string, coordinate: string, error: unknown) => {
    logger.error(`policy "${name}" threw at ${coordinate}; the field is refused`, { error });
    return false;
  };
  return (name, coordinate) => {
    results ??= new Map();
    const key = `${name}\n${coordinate}`;
    let result = results.get(key);
    if (result === undefined) {
      const policy = resolved.named.get(name);
      try {
        const answer = policy === undefined ? false : policy(identity, coordinate);
        // A claim rule answers at once: kept as it is, no promise and no timer.
        if (typeof answer === 'boolean') result = answer;
        else {
          const late = () =>
            logger.error(
              `policy "${name}" did not answer at ${coordinate} within ${resolved.timeout} ms; the field is refused`,
            );
          result = deadline(Promise.resolve(answer), resolved.timeout, late).then(
            (held) => held === true,
            (error: unknown) => refuse(name, coordinate, error),
          );
        }
      } catch (error) {
        result = refuse(name, coordinate, error);
      }
      results.set(key, result);
    }
    return result;
  };
}

/** `promise`, or false once `ms` have passed without it settling (`late` is then called). */
async function deadline(promise: Promise<boolean>, ms: number, late: () => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      late();
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
