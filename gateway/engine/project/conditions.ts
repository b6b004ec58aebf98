/**
 * `@skip` and `@include` (stage: plan). A literal condition is settled when the operation is
 * compiled; a variable condition is one bit of a key, and the operation is compiled once per key
 * seen, so a walk evaluates no directive.
 */
import { type DirectiveNode, type DocumentNode, Kind, visit } from 'graphql';

/** The variables that decide `@skip`/`@include` in a document, and how to read them. */
export interface Conditions {
  readonly variables: readonly string[];
  /** The key of one request's outcome: a bit per variable (a string past 30 variables). */
  keyOf(variables: Record<string, unknown>): number | string;
}

/** Lists the variables used as `if:` of `@skip`/`@include` anywhere in `document`. */
export function conditionsOf(document: DocumentNode): Conditions {
  const names = new Set<string>();
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return;
      for (const arg of node.arguments ?? []) {
        if (arg.name.value === 'if' && arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
      }
    },
  });
  const variables = [...names];
  const wide = variables.length > 30;
  return {
    variables,
    keyOf(values) {
      if (wide) return variables.map((name) => (values[name] === true ? '1' : '0')).join('');
      let key = 0;
      for (let i = 0; i < variables.length; i++) if (values[variables[i]!] === true) key |= 1 << i;
      return key;
    },
  };
}

/** Whether a selection with these directives is included, given the request's variables. */
export function isIncluded(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
): boolean {
  if (directives === undefined) return true;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (arg === undefined) continue;
    const value =
      arg.value.kind === Kind.VARIABLE
        ? variables[arg.value.name.value] === true
        : arg.value.kind === Kind.BOOLEAN && arg.value.value;
    if (name === 'skip' && value) return false;
    if (name === 'include' && !value) return false;
  }
  return true;
}
