/**
 * Templates of the REST directives: literal text with `{scope.path}` variables, e.g.
 * `/users/{parent.ownerId}/orders` or `limit={args.first}`. Parsed once when the subgraph loads
 * (so mistakes fail the load), rendered per call.
 */
import { gatewayError } from '../../core/errors.ts';

/** Where a variable's value comes from. */
export type TemplateScope = 'args' | 'parent' | 'key';

/** One `{scope.path}` of a template. */
export interface TemplateVariable {
  scope: TemplateScope;
  /** Property path below the scope: `{args.input.id}` is `['input', 'id']`. */
  path: string[];
  /** The variable as written, for messages. */
  text: string;
}

/** Literal text, or a variable. */
export type TemplatePart = string | TemplateVariable;

/** A parsed template: the text as written, and its parts in order. */
export interface Template {
  text: string;
  parts: TemplatePart[];
}

const SCOPES: readonly string[] = ['args', 'parent', 'key'];
const VARIABLE = /\{([^{}]*)\}/g;

/** Parses a template; returns the problems instead when it is malformed. */
export function parseTemplate(text: string): Template | { problems: string[] } {
  const parts: TemplatePart[] = [];
  const problems: string[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    parts.push(text.slice(last, match.index));
    last = match.index + match[0].length;
    const variable = parseVariable(match[1]!.trim());
    if (typeof variable === 'string') problems.push(`${variable} in "${text}"`);
    else parts.push(variable);
  }
  parts.push(text.slice(last));
  const rest = parts.filter((p): p is string => typeof p === 'string').join('');
  if (/[{}]/.test(rest)) problems.push(`unbalanced "{" or "}" in "${text}"`);
  if (problems.length > 0) return { problems };
  return { text, parts: parts.filter((p) => p !== '') };
}

function parseVariable(text: string): TemplateVariable | string {
  const [scope, ...path] = text.split('.');
  if (scope === undefined || !SCOPES.includes(scope)) {
    return `unknown template variable "{${text}}" (use {args.<argument>}, {parent.<field>} or {key.<field>})`;
  }
  if (path.length === 0 || path.some((p) => p === '')) {
    return `template variable "{${text}}" needs a name after "${scope}." (e.g. {${scope}.id})`;
  }
  return { scope: scope as TemplateScope, path, text: `{${text}}` };
}

/** Every variable of a template. */
export function templateVariables(template: Template): TemplateVariable[] {
  return template.parts.filter((p): p is TemplateVariable => typeof p !== 'string');
}

/** Reads a variable's value; undefined when absent. */
export type VariableReader = (variable: TemplateVariable) => unknown;

/**
 * Renders a template, each value passed through `encode`. Returns undefined when a variable is
 * null or undefined (so an optional query parameter or header is left out), or when `encode`
 * refuses a value.
 */
export function renderTemplate(
  template: Template,
  read: VariableReader,
  encode: (value: string) => string | undefined = (v) => v,
): string | undefined {
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = read(part);
    if (value === null || value === undefined) return undefined;
    const encoded = encode(formatValue(value));
    if (encoded === undefined) return undefined;
    out += encoded;
  }
  return out;
}

/** Scalars as text; lists comma-separated (`ids=1,2,3`); objects as JSON. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** Follows a property path through plain objects; undefined when a step is missing. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * A value for a path segment, URL-encoded. `.` and `..` are refused: URL parsers remove them as
 * dot segments (even encoded), so `/users/{args.id}/orders` with id `..` would reach `/orders`.
 */
function encodePathValue(value: string): string | undefined {
  return value === '.' || value === '..' ? undefined : encodeURIComponent(value);
}

/**
 * Renders a path template with `encodePathValue`, and refuses (undefined) a path where a segment
 * that holds a variable comes out empty, `.` or `..`: `/files/{args.name}.{args.ext}` with two
 * empty values would be `/files/.`, which URL parsers collapse to the listing `/files/`, and an
 * empty id turns `/users/{args.id}/orders` into `/users//orders`.
 */
export function renderPath(template: Template, read: VariableReader): string | undefined {
  let out = '';
  let segment = '';
  let holdsVariable = false;
  const segmentIsSafe = () => !holdsVariable || (segment !== '' && segment !== '.' && segment !== '..');
  for (const part of template.parts) {
    if (typeof part !== 'string') {
      const value = read(part);
      if (value === null || value === undefined) return undefined;
      const encoded = encodePathValue(formatValue(value));
      if (encoded === undefined) return undefined;
      segment += encoded;
      holdsVariable = true;
      out += encoded;
      continue;
    }
    const pieces = part.split('/');
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) {
        if (!segmentIsSafe()) return undefined;
        segment = '';
        holdsVariable = false;
      }
      segment += pieces[i];
    }
    out += part;
  }
  return segmentIsSafe() ? out : undefined;
}

/** A header value from a template: a value with a line break or NUL is the client's mistake. */
export function encodeHeaderValue(value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw gatewayError('BAD_USER_INPUT', 'a header value may not contain line breaks or NUL characters');
  }
  return value;
}
