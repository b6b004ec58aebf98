/**
 * Field policies (stages: schema, operation). `@authenticated`, `@requiresScopes` and `@policy`
 * with Apollo Federation's meaning, from the subgraphs' SDL (through composition) or from the
 * config (`subgraphs[].policies`, for REST and plain GraphQL backends), with named policies in
 * `policies.named`.
 *
 * - `prepare`, given to the supergraph before the engine's: builds the index of each new schema
 *   (build-index.ts); a schema whose policies cannot all be enforced never goes in service
 *   (CONFIG_INVALID naming each coordinate; at startup the gateway does not start).
 * - the plugin, at validation: an alias the gateway reserves (`__gatehouse...`, reserved-alias.ts)
 *   is refused (GRAPHQL_VALIDATION_FAILED).
 * - the plugin, before the engine: the operation loses the fields its caller may not see
 *   (decide.ts, rewrite.ts), cached per (document, outcome), so the engine plans each outcome
 *   once; the answer then gets `null` and an UNAUTHENTICATED or FORBIDDEN error at each of their
 *   paths (patch.ts). With `onDenied: reject`, the operation is refused instead (a 401 with
 *   `WWW-Authenticate` naming `auth.realm`). A rewrite that selects more than `limits.maxFields`
 *   fields, fragments expanded, is refused (OPERATION_LIMIT_EXCEEDED).
 *
 * Nothing runs inside a field resolver, and the engines see only operations already filtered.
 */
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';
import type { FieldGate, FieldRefusal } from '../../core/field-gate.ts';
import { identityOf, requestOf } from '../../core/identity.ts';
import { markRewritten } from '../../core/operation-rewrite.ts';
import { expandedFieldCount } from '../limits/fields.ts';
import { limitExceeded } from '../limits/refuse.ts';
import type { Logger } from '../logger/index.ts';
import { type PrepareSchema, prepareFromConfig } from '../supergraph/index.ts';
import { buildPolicyIndex } from './build-index.ts';
import { normalizeOptions, type PoliciesOptions } from './config.ts';
import { createDecider, type Decider, type Decision, type GateContext } from './decide.ts';
import { WalkTooLong } from './gated.ts';
import { policyCheck } from './named-check.ts';
import {
  type Applies,
  deferralOf,
  deferredEntries,
  deniedError,
  included,
  patchData,
  type Refusals,
} from './patch.ts';
import { ReservedAliasRule } from './reserved-alias.ts';
import type { PathNode, Rewrite } from './rewrite.ts';
import { Variables } from './variables.ts';

export type { PoliciesOptions } from './config.ts';

/** The hooks the room hands envelop for an operation it changed (or none). */
type ExecuteHooks = Awaited<ReturnType<NonNullable<Plugin['onExecute']>>>;
type SubscribeHooks = Awaited<ReturnType<NonNullable<Plugin['onSubscribe']>>>;

/** An operation that runs rewritten: what its answer is patched with. */
interface AppliedDecision {
  rewrite: Rewrite;
  variables: Record<string, unknown>;
  refusals: ReadonlyMap<string, FieldRefusal>;
}

export interface FieldPolicies {
  /** Builds the index of a new schema; throws CONFIG_INVALID when a policy cannot be enforced. */
  prepare: PrepareSchema;
  /** The operation stage: before the engine. */
  plugin: Plugin;
  /**
   * After the first round of loading: throws the CONFIG_INVALID that kept the first schema out of
   * service, if that is why none is in service.
   */
  checkStarted(hasSchema: boolean): void;
}

export function createFieldPolicies(
  options: PoliciesOptions & {
    logger: Logger;
    /**
     * Refuses fields for reasons of its own (the rate-limit room's field limits): judged after
     * the policies, its refusals answered the same way (null and an error at each path).
     */
    gate?: FieldGate;
  },
): FieldPolicies {
  const { logger, gate } = options;
  const resolved = normalizeOptions(options);
  const deciders = new WeakMap<GraphQLSchema, Decider>();
  const perSchema = prepareFromConfig(
    'field policies of this schema cannot be enforced; it is not put in service',
    (served) =>
      buildPolicyIndex({
        supergraphSdl: served.supergraphSdl,
        schema: served.schema,
        subgraphPolicies: resolved.subgraphs,
        policyNames: new Set(resolved.named.keys()),
      }),
    (served, index) => deciders.set(served.schema, createDecider(served.schema, index, gate)),
  );

  const enforce = (decider: Decider, args: ExecutionArgs, variables: Variables) => {
    const request = requestOf(args.contextValue);
    const identity = identityOf(request);
    const gateContext = (): GateContext | undefined => {
      if (request === undefined) return undefined;
      // Variables that do not coerce fail the operation before any field runs: nothing to count.
      if (variables.coerced() === undefined) return { skip: true };
      return {
        request,
        context: args.contextValue,
        variables: () => variables.all(),
        stops: (rewrite) => stopsBefore(rewrite, args, variables.all()),
      };
    };
    return decider.decide(
      args.document,
      args.operationName ?? undefined,
      identity,
      policyCheck(resolved, identity, logger),
      gateContext,
    );
  };

  /**
   * The result that ends the operation once `rewrite` took fields out, if one does: a policy's
   * refusal with `onDenied: reject`, or a rewrite over `limits.maxFields`. Asked again before a
   * gate spends anything, on the policies' own rewrite.
   */
  const stopsBefore = (
    rewrite: Rewrite,
    args: ExecutionArgs,
    variables: Record<string, unknown>,
  ): ExecutionResult | undefined => {
    if (resolved.onDenied === 'reject') {
      const errors = rejection(rewrite.root, variables);
      if (errors.length > 0) return rejected(errors, resolved.challenge);
    }
    // A field kept for several types is selected once per type: held to `limits.maxFields` again.
    const max = resolved.maxFields;
    if (max > 0 && expandedFieldCount(rewrite.document, args.operationName ?? undefined, max) > max) {
      const message = `with the fields its caller may not see taken out, per type, the operation selects more than ${max} fields once its fragments are expanded; the limit is ${max}`;
      return { errors: [limitExceeded('maxFields', message)] };
    }
    return undefined;
  };

  /**
   * Decides the operation for its caller and, when a field is refused, either stops it
   * (`onDenied: reject`) or hands the rewritten document on: envelop passes these arguments to the
   * next hooks (the engine's) and to execute. Undefined (or a promise of it) when nothing changes.
   */
  const applied = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    const decider = deciders.get(args.schema);
    // Every schema in service passed `prepare`: one that did not (a room that swapped it) has no
    // index, and its operation is refused rather than run unfiltered.
    if (decider === undefined) {
      logger.error('field policies: the operation runs on a schema they have not indexed; refused');
      stop({ errors: [gatewayError('INTERNAL_SERVER_ERROR', 'the operation could not be authorised')] });
      return undefined;
    }
    // Coerced at most once per operation, and only when a refusal or a gated field needs them.
    const coerced = new Variables(args);
    let decided: ReturnType<typeof enforce>;
    try {
      decided = enforce(decider, args, coerced);
    } catch (error) {
      if (!(error instanceof WalkTooLong)) throw error;
      stop({
        errors: [
          limitExceeded('maxFields', 'the operation selects too many fields once its fragments are expanded'),
        ],
      });
      return undefined;
    }
    const handle = (decision: Decision | undefined): AppliedDecision | undefined => {
      if (decision === undefined) return undefined;
      if ('reject' in decision) {
        stop(decision.reject);
        return undefined;
      }
      const { rewrite, refusals } = decision;
      const variables = coerced.all();
      const stopped = stopsBefore(rewrite, args, variables);
      if (stopped !== undefined) {
        stop(stopped);
        return undefined;
      }
      (args as { document: DocumentNode }).document = rewrite.document;
      const client = requestOf(args.contextValue);
      if (client !== undefined) markRewritten(client);
      return { rewrite, variables, refusals };
    };
    return decided instanceof Promise ? decided.then(handle) : handle(decided);
  };

  return {
    ...perSchema,
    plugin: {
      onValidate({ addValidationRule }) {
        addValidationRule(ReservedAliasRule);
      },
      onExecute({ args, setResultAndStopExecution }) {
        const hooks = (applied: AppliedDecision | undefined): ExecuteHooks => {
          if (applied === undefined) return undefined;
          const { rewrite, variables, refusals } = applied;
          return {
            onExecuteDone({ result, setResult }) {
              if (!isAsyncIterable(result)) {
                setResult(patched(result, rewrite, variables, refusals));
                return undefined;
              }
              // With @defer, each field is answered in the payload that carries its fragment.
              const patch = incrementalPatch(rewrite, variables, refusals);
              return {
                onNext({ result: payload, setResult: setPayload }) {
                  const next = patch(payload as IncrementalPayload);
                  if (next !== undefined) setPayload(next);
                },
              };
            },
          };
        };
        const decided = applied(args, setResultAndStopExecution);
        return decided instanceof Promise ? decided.then(hooks) : hooks(decided);
      },
      onSubscribe({ args, setResultAndStopExecution }) {
        const hooks = (applied: AppliedDecision | undefined): SubscribeHooks => {
          if (applied === undefined) return undefined;
          const { rewrite, variables, refusals } = applied;
          return {
            onSubscribeResult() {
              return {
                onNext({ result, setResult }) {
                  setResult(patched(result as ExecutionResult, rewrite, variables, refusals));
                },
              };
            },
          };
        };
        const decided = applied(args, setResultAndStopExecution);
        return decided instanceof Promise ? decided.then(hooks) : hooks(decided);
      },
    },
  };
}

const NO_REFUSALS: Refusals = new Map();

/** A payload of incremental delivery, as the engine yields it. */
type IncrementalPayload = ExecutionResult & {
  hasNext?: boolean;
  incremental?: Array<{
    data?: Record<string, unknown> | null;
    path?: Array<string | number>;
    label?: string;
  }>;
};

/**
 * Patches the payloads of one incremental response, in order: the initial payload answers the
 * fields outside deferred fragments (all of them when nothing follows), each incremental entry
 * those of its fragment; each path is answered once in the response. Undefined: unchanged.
 */
function incrementalPatch(rewrite: Rewrite, variables: Record<string, unknown>, refusals: Refusals) {
  let first = true;
  const answered = new Set<string>();
  const once = (path: ReadonlyArray<string | number>, removal: { key: string }) => {
    const key = JSON.stringify([...path, removal.key]);
    if (answered.has(key)) return false;
    answered.add(key);
    return true;
  };
  const initial: Applies = (removal, path) =>
    deferralOf(removal, variables) === undefined && once(path, removal);
  return (payload: IncrementalPayload): ExecutionResult | undefined => {
    if (first) {
      first = false;
      return patched(payload, rewrite, variables, refusals, payload.hasNext === true ? initial : undefined);
    }
    const entries = payload.incremental;
    if (!Array.isArray(entries) || entries.length === 0) return undefined;
    const copies = entries.map((entry) => ({ ...entry }));
    if (!deferredEntries(copies, rewrite.root, variables, refusals, once)) return undefined;
    return { ...payload, incremental: copies } as ExecutionResult;
  };
}

function patched(
  result: ExecutionResult,
  rewrite: Rewrite,
  variables: Record<string, unknown>,
  refusals: Refusals,
  applies?: Applies,
) {
  if (result.data === null || result.data === undefined) return result;
  const data = result.data as Record<string, unknown>;
  const { errors, nullData } = patchData(data, rewrite.root, variables, refusals, applies);
  if (errors.length === 0) return result;
  return { ...result, data: nullData ? null : data, errors: [...(result.errors ?? []), ...errors] };
}

/**
 * One error per field a policy removed that the operation would select (paths without list
 * positions). A gate's refusals (rate limits) follow the gate's own setting, not `onDenied`.
 */
function rejection(root: PathNode, variables: Record<string, unknown>): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const walk = (node: PathNode, path: string[]) => {
    const answered = new Set<string>();
    for (const removal of node.removals) {
      if (removal.code === 'RATE_LIMITED') continue;
      if (answered.has(removal.key) || !included(removal, variables)) continue;
      answered.add(removal.key);
      errors.push(deniedError(removal, [...path, removal.key], NO_REFUSALS));
    }
    for (const [key, child] of node.children) walk(child.node, [...path, key]);
  };
  walk(root, []);
  return errors;
}

/**
 * The refusal of an operation. An anonymous caller's refusals are all UNAUTHENTICATED, answered
 * 401: with `WWW-Authenticate`, which RFC 7235 requires on every 401.
 */
function rejected(errors: GraphQLError[], challenge: string): ExecutionResult {
  if (!errors.every((e) => e.extensions.code === 'UNAUTHENTICATED')) return { errors };
  return { errors, extensions: { http: { headers: { 'WWW-Authenticate': challenge } } } };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
