/**
 * Header rules (`headers` in the config): which headers each call to a subgraph carries, for
 * every kind of backend (federation subgraphs over HTTP; REST and plain GraphQL backends, whose
 * in-process calls pass the headers on to their own HTTP calls). Stages:
 *
 * - subgraph, before dedup (`headers` hook): the rules of the call's subgraph (`all`, then its
 *   own) applied to the client's request and verified identity, plus the correlation headers
 *   (`traceparent`, `tracestate`, `x-request-id`). Computed once per client request and rule set.
 *   Calls with different headers are never shared (the correlation headers aside).
 * - operation (`onExecute`): an operation for which some rule, of any subgraph, would send a
 *   value with a line break or another control character is refused with HEADER_VALUE_INVALID
 *   (400) before it is planned: nothing is sent, nothing silently changed. (The plan is not known
 *   here, so every subgraph's rules are checked; values from identity that are not printable
 *   ASCII are percent-encoded, not refused, so only control characters refuse.)
 * - response (`onExecutionResult`): the request id is returned in `x-request-id`.
 *
 * The rules were checked at startup by the config schema (`config/headers-schema.ts`).
 */

import type { ExecutionResult } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import { identityOf, requestOf } from '../../core/identity.ts';
import type { HeaderRule } from '../../core/outgoing-headers.ts';
import { withResponseHeaders } from '../../core/response-headers.ts';
import type { HeadersConfig } from '../config/headers-schema.ts';
import type { Room } from '../room.ts';
import { canonicalName, forwardableHeaders } from './client-headers.ts';
import { correlationHeaders, requestIdOf } from './correlation.ts';
import { CREDENTIAL_HEADERS, REQUEST_ID } from './names.ts';
import { type CompiledRules, compileRules, type RuleOutcome } from './rules.ts';

export interface HeaderRulesOptions {
  /** The `headers` section of the config, resolved. @default { all: { request: [] }, subgraphs: {} } */
  rules?: HeadersConfig;
  /**
   * Headers that carry a credential besides `authorization` and `cookie` (the auth config's
   * `token.header`, `apiKeys.header`): a `propagate: { matching }` rule never forwards them, nor
   * those two; a `named` rule does. @default []
   */
  credentialHeaders?: readonly (string | undefined)[];
}

const NO_RULES: HeadersConfig = { all: { request: [] }, subgraphs: {} };
const NO_CLIENT = { client: new Map<string, string>(), identity: undefined };

export function createHeaderRules(options: HeaderRulesOptions = {}): Room {
  const config = options.rules ?? NO_RULES;
  const ruleSets = [config.all.request, ...Object.values(config.subgraphs).map((own) => own.request)];
  // A client's copy of a header some rule inserts (from identity or a fixed value) is never
  // forwarded, compared as CGI-style backends read names (client-headers.ts).
  const inserted = new Set(
    ruleSets.flat().flatMap(({ insert }) => (insert === undefined ? [] : [canonicalName(insert.name)])),
  );
  const credentials = new Set([
    ...CREDENTIAL_HEADERS,
    ...(options.credentialHeaders ?? []).flatMap((name) => (name === undefined ? [] : [name.toLowerCase()])),
  ]);
  const all = compileRules(config.all.request, credentials);
  const bySubgraph = new Map(
    Object.entries(config.subgraphs).map(([name, own]) => [
      name,
      compileRules([...config.all.request, ...own.request], credentials),
    ]),
  );
  // The operation's check: every rule that reads a client or identity value, of every rule set,
  // once (a rule set fails exactly when one of its rules reads a value it cannot send). It builds
  // no subgraph's headers: those are built, once, for the subgraphs the operation calls.
  const reading = ruleSets
    .flat()
    .filter(
      (rule) =>
        rule.propagate !== undefined || (rule.insert !== undefined && rule.insert.value === undefined),
    );
  const check = reading.length === 0 ? undefined : compileRules(reading, credentials);

  // Per client request: each rule set's outcome; the forwardable client headers are read once,
  // and only when a rule asks for them.
  const outcomes = new WeakMap<Request, Map<CompiledRules, RuleOutcome>>();
  const views = new WeakMap<Request, ReadonlyMap<string, string>>();
  const clientOf = (request: Request) => {
    let view = views.get(request);
    if (view === undefined) {
      view = forwardableHeaders(request.headers, inserted);
      views.set(request, view);
    }
    return view;
  };
  const outcomeOf = (request: Request, rules: CompiledRules): RuleOutcome => {
    let byRules = outcomes.get(request);
    if (byRules === undefined) {
      byRules = new Map();
      outcomes.set(request, byRules);
    }
    let outcome = byRules.get(rules);
    if (outcome === undefined) {
      outcome = rules({
        get client() {
          return clientOf(request);
        },
        identity: identityOf(request),
      });
      if (outcome.ok) outcome = { ok: true, headers: { ...outcome.headers, ...correlationHeaders(request) } };
      byRules.set(rules, outcome);
    }
    return outcome;
  };
  /** The first value some rule would send and cannot, as an error; undefined when none. */
  const refusal = (request: Request | undefined): ExecutionResult | undefined => {
    if (request === undefined || check === undefined) return undefined;
    const outcome = check({
      get client() {
        return clientOf(request);
      },
      identity: identityOf(request),
    });
    return outcome.ok ? undefined : { errors: [invalidValue(outcome.header)] };
  };

  return {
    name: 'header-rules',
    plugin: {
      onExecute({ args, setResultAndStopExecution }) {
        const refused = refusal(requestOf(args.contextValue));
        if (refused) setResultAndStopExecution(refused);
      },
      onSubscribe({ args, setResultAndStopExecution }) {
        const refused = refusal(requestOf(args.contextValue));
        if (refused) setResultAndStopExecution(refused);
      },
      onExecutionResult({ request, result, setResult }) {
        const withHeaders = withResponseHeaders(result, { [REQUEST_ID]: requestIdOf(request) });
        if (withHeaders !== undefined) setResult(withHeaders);
      },
    },
    headers({ name }): HeaderRule {
      const rules = bySubgraph.get(name) ?? all;
      return function headerRules(call) {
        const request = requestOf(call.context);
        // A call made for no client (a schema load): the fixed values and defaults only.
        const outcome = request === undefined ? rules(NO_CLIENT) : outcomeOf(request, rules);
        if (!outcome.ok) throw invalidValue(outcome.header);
        return outcome.headers;
      };
    },
  };
}

function invalidValue(header: string) {
  return gatewayError(
    'HEADER_VALUE_INVALID',
    `the value of header "${header}" holds a line break or another character a header cannot carry`,
    { extensions: { header } },
  );
}
