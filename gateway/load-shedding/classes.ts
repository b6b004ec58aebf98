/**
 * Priority classes: the class of a request (the first rule whose every condition matches, else
 * the default class), and the share of the concurrency limit each class may fill. Classes are
 * listed highest first; those never shed may always enter; the others share the limit from 1
 * (the highest) down to `lowestShare` (the lowest), evenly, so the lowest is shed first.
 */

import type { Identity } from '../../core/identity.ts';
import { leadingOperationName } from '../../core/operation-name.ts';
import type { LoadSheddingRule } from '../config/load-shedding-schema.ts';

/** What a request is classed by. */
export interface ClassInput {
  /** The `operationName` the client sent. */
  operationName: string | undefined;
  /** The client's name (the first of `clientNameHeaders` it sent). */
  clientName: string | undefined;
  /** The verified caller (auth), when there is one. */
  identity: Identity | undefined;
}

/** A resolved class: its name and the share of the limit it may fill (Infinity: never shed). */
export interface PriorityClass {
  readonly name: string;
  /** Fraction of the limit in flight under which this class is admitted; Infinity: always. */
  readonly share: number;
}

/** The classes in order and how a request is classed. */
export interface Classes {
  /** Highest first. */
  readonly all: readonly PriorityClass[];
  /** The class of one request. */
  classOf(input: ClassInput): PriorityClass;
}

export interface ClassesOptions {
  /** Names, highest first. */
  classes: readonly string[];
  defaultClass: string;
  /** Classes never shed. @default ['critical'] when `classes` has it, else [] */
  neverShed?: readonly string[];
  /** Share of the lowest class that may be shed, in (0, 1]. */
  lowestShare: number;
  rules: readonly LoadSheddingRule[];
}

/** Resolves the classes and compiles the rules (the config has checked every name). */
export function createClasses(options: ClassesOptions): Classes {
  const neverShed = new Set(options.neverShed ?? (options.classes.includes('critical') ? ['critical'] : []));
  const shed = options.classes.filter((name) => !neverShed.has(name));
  const shareOf = (name: string): number => {
    if (neverShed.has(name)) return Number.POSITIVE_INFINITY;
    const rank = shed.indexOf(name);
    // One class that may be shed fills the whole limit; else evenly from 1 down to lowestShare.
    if (shed.length === 1) return 1;
    return options.lowestShare + ((1 - options.lowestShare) * (shed.length - 1 - rank)) / (shed.length - 1);
  };
  const all = options.classes.map((name): PriorityClass => Object.freeze({ name, share: shareOf(name) }));
  const byName = new Map(all.map((c) => [c.name, c]));
  const fallback = byName.get(options.defaultClass)!;
  const rules = options.rules.map((rule) => ({ matches: compileRule(rule), class: byName.get(rule.class)! }));
  return {
    all,
    classOf(input) {
      for (const rule of rules) if (rule.matches(input)) return rule.class;
      return fallback;
    },
  };
}

/**
 * The operation's name: the `operationName` sent, else the name of the operation the document
 * begins with (clients that send one operation often leave `operationName` out). Both come from
 * the client: a rule on them alone classes what a client says it runs.
 */
export function operationNameOf(params: {
  operationName?: string | null;
  query?: unknown;
}): string | undefined {
  if (typeof params.operationName === 'string' && params.operationName !== '') return params.operationName;
  if (typeof params.query !== 'string') return undefined;
  return leadingOperationName(params.query);
}

type Matcher = (input: ClassInput) => boolean;

/** A rule as one function: every condition it sets must hold. */
export function compileRule(rule: LoadSheddingRule): Matcher {
  const checks: Matcher[] = [];
  const oneOf = (list: readonly string[] | undefined, read: (input: ClassInput) => string | undefined) => {
    if (list === undefined) return;
    const set = new Set(list);
    checks.push((input) => {
      const value = read(input);
      return value !== undefined && set.has(value);
    });
  };
  oneOf(rule.operationName, (i) => i.operationName);
  oneOf(rule.clientName, (i) => i.clientName);
  oneOf(rule.plan, (i) => i.identity?.plan);
  oneOf(rule.tenant, (i) => i.identity?.tenant);
  for (const [claim, allowed] of Object.entries(rule.claim ?? {})) {
    checks.push((input) => claimMatches(input.identity?.claims[claim], allowed));
  }
  return (input) => checks.every((check) => check(input));
}

/** A claim holds one of `allowed`: it equals one, or it is a list holding one. */
function claimMatches(value: unknown, allowed: readonly (string | number | boolean)[]): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => allowed.includes(v as string));
  return allowed.includes(value as string);
}
