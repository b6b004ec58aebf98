/** Reads and checks one `@rest(...)` use into a `RestCall`. */
import type { DirectiveUse } from './directive-usage.ts';
import { type HttpMethod, type NamedTemplate, type RestCall, splitPath } from './model.ts';
import { parseTemplate, type Template, templateVariables } from './template.ts';

/** The field a `@rest` is on, as far as checking its templates needs. */
export interface FieldSite {
  /** `Type.field`, for messages. */
  where: string;
  /** Names of the field's arguments. */
  args: readonly string[];
  /** Root fields (Query, Mutation) have no parent. */
  isRoot: boolean;
}

const BODY_METHODS: readonly HttpMethod[] = ['POST', 'PUT', 'PATCH'];

/** The call, or undefined after adding its problems to `problems`. */
export function readRestCall(use: DirectiveUse, site: FieldSite, problems: string[]): RestCall | undefined {
  const before = problems.length;
  const at = `${site.where}: @rest`;
  const method = use.args.method as HttpMethod;
  const rawPath = use.args.path as string;
  if (rawPath.trim() === '') problems.push(`${at} has an empty path; set path: "/resource/{args.id}"`);

  const template = (text: string, what: string): Template | undefined => {
    const parsed = parseTemplate(text);
    if ('problems' in parsed) {
      for (const p of parsed.problems) problems.push(`${at} ${what}: ${p}`);
      return undefined;
    }
    for (const variable of templateVariables(parsed)) {
      const name = variable.path[0]!;
      if (variable.scope === 'key') {
        problems.push(`${at} ${what}: ${variable.text} is only for @restLookup; use {args.x} or {parent.x}`);
      } else if (variable.scope === 'parent' && site.isRoot) {
        problems.push(`${at} ${what}: ${variable.text} has no parent on a root field; use {args.x}`);
      } else if (variable.scope === 'args' && !site.args.includes(name)) {
        problems.push(`${at} ${what}: ${variable.text} names no argument of the field; ${known(site.args)}`);
      }
    }
    return parsed;
  };

  const named = (entries: unknown, separator: string, what: string, example: string): NamedTemplate[] => {
    const out: NamedTemplate[] = [];
    for (const entry of (entries as string[] | null | undefined) ?? []) {
      const index = entry.indexOf(separator);
      const name = entry.slice(0, index).trim();
      if (index <= 0 || name === '') {
        problems.push(`${at} ${what} "${entry}" needs a name: write it as "${example}"`);
        continue;
      }
      const value = template(entry.slice(index + 1).trim(), `${what} "${name}"`);
      if (value) out.push({ name, value });
    }
    return out;
  };

  const path = template(rawPath.trim(), 'path');
  const query = named(use.args.query, '=', 'query', 'limit={args.first}');
  const headers = named(use.args.headers, ':', 'header', 'X-Tenant: {args.tenant}');
  const body = readBody(use.args.body, method, site, problems);
  if (problems.length > before || path === undefined) return undefined;
  const select = splitPath(use.args.select as string | undefined);
  return { method, path, query, headers, body, select };
}

function readBody(
  value: unknown,
  method: HttpMethod,
  site: FieldSite,
  problems: string[],
): string[] | undefined {
  if (typeof value !== 'string') return BODY_METHODS.includes(method) ? [] : undefined;
  const at = `${site.where}: @rest body "${value}"`;
  if (method === 'GET') {
    problems.push(`${at}: a GET request has no body; remove body or change the method`);
    return undefined;
  }
  const [scope, ...path] = value.trim().split('.');
  if (scope !== 'args' || path.some((p) => p === '')) {
    problems.push(`${at} must be "args" (all arguments) or "args.<argument>", e.g. "args.input"`);
    return undefined;
  }
  if (path[0] !== undefined && !site.args.includes(path[0])) {
    problems.push(`${at} names no argument of the field; ${known(site.args)}`);
    return undefined;
  }
  return path;
}

function known(args: readonly string[]): string {
  return args.length > 0 ? `its arguments are ${args.join(', ')}` : 'it has no arguments: add one';
}
