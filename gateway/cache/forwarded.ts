/**
 * What the subgraphs' answers may depend on beyond the operation, as the header rules say
 * (`headers`): client headers forwarded to a subgraph (`propagate`), and values of the caller
 * (`insert` with `identity` or `claim`). A cached answer is keyed by them too, so that an answer
 * made with one client's forwarded header, or for one caller, is never served to another, even
 * under a `PUBLIC` policy.
 */
import type { HeadersConfig } from '../config/headers-schema.ts';

export interface ForwardedInputs {
  /** Client headers forwarded by name (lower case). */
  named: readonly string[];
  /** Client headers forwarded when their name matches (any case). */
  matching: readonly RegExp[];
  /** Some rule sends a value of the caller: every answer is keyed by its caller. */
  perCaller: boolean;
}

export function forwardedInputs(headers: HeadersConfig): ForwardedInputs {
  const named = new Set<string>();
  const matching: RegExp[] = [];
  let perCaller = false;
  const rules = [headers.all, ...Object.values(headers.subgraphs)].flatMap((set) => set.request);
  for (const rule of rules) {
    if (rule.propagate?.named !== undefined) named.add(rule.propagate.named.toLowerCase());
    if (rule.propagate?.matching !== undefined) matching.push(new RegExp(rule.propagate.matching, 'i'));
    if (rule.insert?.identity !== undefined || rule.insert?.claim !== undefined) perCaller = true;
  }
  return { named: [...named].sort(), matching, perCaller };
}

/** The values of the forwarded client headers of `request`, in a stable order. */
export function forwardedValues(inputs: ForwardedInputs, request: Request): (string | null)[] {
  const values: (string | null)[] = inputs.named.map((name) => request.headers.get(name));
  if (inputs.matching.length === 0) return values;
  const matched: string[] = [];
  request.headers.forEach((value, name) => {
    if (inputs.matching.some((re) => re.test(name))) matched.push(`${name.toLowerCase()}:${value}`);
  });
  return [...values, ...matched.sort()];
}
