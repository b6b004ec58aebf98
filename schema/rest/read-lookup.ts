/** Reads and checks one `@restLookup(...)` use of an entity type. */
import type { DirectiveUse } from './directive-usage.ts';
import { type RestLookup, splitPath } from './model.ts';
import { parseTemplate, templateVariables } from './template.ts';

/**
 * @param keys the fields of each flat `@key` of the type; undefined when it has no `@key`
 * @param fields the fields the type declares
 */
export function readLookup(
  use: DirectiveUse,
  keys: string[][] | undefined,
  fields: ReadonlySet<string>,
  problems: string[],
): RestLookup | undefined {
  const at = `${use.where}: @restLookup`;
  if (keys === undefined) {
    problems.push(`${at} needs an entity: add @key(fields: "id") to ${use.where}`);
    return undefined;
  }
  const keyText = use.args.key as string | undefined;
  const keyFields = keyText !== undefined ? keyText.trim().split(/[\s,]+/) : keys[0];
  if (keyFields === undefined || !keys.some((k) => sameFields(k, keyFields))) {
    const declared = keys.map((k) => `"${k.join(' ')}"`).join(', ') || 'none without nested fields';
    problems.push(`${at} key "${keyText ?? ''}" is not a @key of the type; its flat keys are ${declared}`);
    return undefined;
  }
  const missing = keyFields.filter((f) => !fields.has(f));
  if (missing.length > 0) {
    problems.push(`${at} key field ${missing.join(', ')} is not a field of ${use.where}; declare it`);
    return undefined;
  }
  const before = problems.length;
  const lookup: RestLookup = { keyFields };

  const path = use.args.path as string | undefined;
  if (path !== undefined) {
    const parsed = parseTemplate(path.trim());
    if ('problems' in parsed) {
      for (const p of parsed.problems) problems.push(`${at} path: ${p}`);
    } else {
      for (const variable of templateVariables(parsed)) {
        if (variable.scope !== 'key' || !keyFields.includes(variable.path[0]!)) {
          problems.push(
            `${at} path: ${variable.text} is not a key field; use ${keyFields.map((f) => `{key.${f}}`).join(' or ')}`,
          );
        }
      }
      lookup.single = { path: parsed, select: splitPath(use.args.select as string | undefined) };
    }
  }

  const batchPath = use.args.batchPath as string | undefined;
  const parameter = use.args.batchParameter as string | undefined;
  const maxBatchSize = use.args.maxBatchSize as number;
  if ((batchPath === undefined) !== (parameter === undefined)) {
    problems.push(`${at} batch form needs both batchPath and batchParameter, e.g. "/products" and "ids"`);
  } else if (batchPath !== undefined && parameter !== undefined) {
    if (/[{}]/.test(batchPath))
      problems.push(`${at} batchPath "${batchPath}" cannot hold template variables`);
    if (keyFields.length !== 1) {
      problems.push(`${at} batch form needs a key of one field (key "${keyFields.join(' ')}" has more)`);
    }
    if (maxBatchSize < 1) problems.push(`${at} maxBatchSize must be 1 or more`);
    lookup.batch = {
      path: batchPath.trim(),
      parameter,
      select: splitPath(use.args.batchSelect as string | undefined),
      maxBatchSize,
    };
  }
  if (path === undefined && batchPath === undefined) {
    problems.push(`${at} needs path: "/things/{key.id}" or batchPath and batchParameter`);
  }
  return problems.length > before ? undefined : lookup;
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}
