/**
 * A gateway directive's arguments in a supergraph, checked by the config schema of the same
 * setting (`@rateLimit` as `subgraphs[].rateLimits`, `@cacheControl` as
 * `subgraphs[].cacheControl`): the same rules, the same messages, naming the coordinate and the
 * argument.
 */
import { type ConstDirectiveNode, valueFromASTUntyped } from 'graphql';
import type { z } from 'zod';

/** The arguments as `schema` reads them; undefined (and a problem per issue) when they are wrong. */
export function directiveArguments<T>(
  coordinate: string,
  directive: ConstDirectiveNode,
  schema: z.ZodType<T>,
  problems: string[],
): T | undefined {
  const args: Record<string, unknown> = {};
  for (const argument of directive.arguments ?? []) {
    args[argument.name.value] = valueFromASTUntyped(argument.value);
  }
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const where = issue.path.length > 0 ? `(${String(issue.path[0])}:)` : '';
    problems.push(`${coordinate}: @${directive.name.value}${where} ${issue.message}`);
  }
  return undefined;
}
