/**
 * One subgraph's header rules, compiled once: a function from the client's forwardable headers
 * and the verified caller to the headers a call carries, applying the rules in order on one set
 * of outgoing headers (`propagate` copies from the client, `insert` sets, `remove` deletes what
 * earlier rules set: every name a CGI-style backend reads as the one named, `x-a_b` as `x-a-b`). A value that cannot be sent (a line break or another control character)
 * stops it: the outcome names the header. Values from identity that are not printable ASCII are
 * percent-encoded (`encodeIdentityValue`), never refused.
 */
import type { Identity } from '../../core/identity.ts';
import type { HeaderRuleConfig } from '../config/headers-schema.ts';
import { canonicalName } from './client-headers.ts';
import { claimValue, encodeIdentityValue, identityValue } from './identity-values.ts';
import { CREDENTIAL_HEADERS } from './names.ts';

export interface RuleInputs {
  /** The client headers rules may forward (lower-case names); empty for a call made for no client. */
  client: ReadonlyMap<string, string>;
  identity: Identity | undefined;
}

/** The headers to send, or the first header whose value cannot be sent. */
export type RuleOutcome = { ok: true; headers: Record<string, string> } | { ok: false; header: string };

export type CompiledRules = (inputs: RuleInputs) => RuleOutcome;

/** What a client value may hold: no line break or other control character (tab aside). */
const SENDABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A step: changes `out`; returns the name of a header whose value cannot be sent. */
type Step = (out: Record<string, string>, inputs: RuleInputs) => string | undefined;

/**
 * `credentials`: lower-case names a `matching` rule never forwards (`authorization`, `cookie`,
 * the auth config's token and API key headers); a `named` rule forwards them.
 */
export function compileRules(
  rules: readonly HeaderRuleConfig[],
  credentials: ReadonlySet<string> = CREDENTIAL_HEADERS,
): CompiledRules {
  const steps = rules.map((rule) => compileRule(rule, credentials));
  return function applyHeaderRules(inputs) {
    const out: Record<string, string> = {};
    for (const step of steps) {
      const invalid = step(out, inputs);
      if (invalid !== undefined) return { ok: false, header: invalid };
    }
    return { ok: true, headers: out };
  };
}

function compileRule(rule: HeaderRuleConfig, credentials: ReadonlySet<string>): Step {
  const { propagate, insert, remove } = rule;
  if (propagate?.named !== undefined) {
    const { named, rename = named, default: fallback } = propagate;
    return (out, { client }) => {
      const value = client.get(named) ?? fallback;
      if (value === undefined) return undefined;
      if (!SENDABLE.test(value)) return named;
      out[rename] = value;
      return undefined;
    };
  }
  if (propagate?.matching !== undefined) {
    const re = new RegExp(propagate.matching, 'i');
    return (out, { client }) => {
      for (const [name, value] of client) {
        if (credentials.has(name) || !re.test(name)) continue;
        if (!SENDABLE.test(value)) return name;
        out[name] = value;
      }
      return undefined;
    };
  }
  if (insert !== undefined) {
    const { name, value: fixed, identity: field, claim } = insert;
    if (fixed !== undefined) {
      return (out) => {
        out[name] = fixed;
        return undefined;
      };
    }
    return (out, { identity }) => {
      const value = field !== undefined ? identityValue(identity, field) : claimValue(identity, claim!);
      if (value === undefined) {
        delete out[name];
        return undefined;
      }
      // The claims header (`identity: claims`) is ASCII JSON already, sent as it is.
      const sent = field === 'claims' ? value : encodeIdentityValue(value);
      if (sent === undefined) return name;
      out[name] = sent;
      return undefined;
    };
  }
  // Names compared as backends read them: `x-debug_mode` is removed with `x-debug-mode`.
  if (remove?.named !== undefined) {
    const named = canonicalName(remove.named);
    return (out) => {
      for (const name of Object.keys(out)) if (canonicalName(name) === named) delete out[name];
      return undefined;
    };
  }
  const re = new RegExp(remove!.matching!, 'i');
  return (out) => {
    for (const name of Object.keys(out)) if (re.test(name) || re.test(canonicalName(name))) delete out[name];
    return undefined;
  };
}
