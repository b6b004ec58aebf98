/**
 * A registry entry: a subgraph definition as the config writes one (name, kind, url, ...), with
 * its schema inline in `sdl` instead of a file. It is checked by the config's own subgraph schema
 * (`subgraphSchema`), so an entry means what the same config entry would mean. Keys the registry
 * does not apply (per-subgraph policies, limits, caching, resilience: the platform team's, in the
 * config) are refused rather than ignored.
 */
import type { z } from 'zod';
import { GatehouseError } from '../../core/errors.ts';
import type { SubgraphConfig } from '../config/index.ts';
import {
  federationSubgraphSchema,
  graphqlSubgraphSchema,
  restSubgraphSchema,
  subgraphSchema,
} from '../config/subgraphs-schema.ts';

/** A registry entry as published: the config's subgraph entry, with `sdl` and no file paths. */
export type RegistryEntry = z.input<typeof subgraphSchema> & { sdl: string };

/** The keys an entry may hold (the others are the platform team's, in the gateway's config). */
const ENTRY_KEYS = new Set([
  'name',
  'kind',
  'url',
  'sdl',
  'required',
  'timeout',
  'headers',
  'lookups',
  'entities',
  'concurrency',
]);

/** The keys a config subgraph may hold (of any kind). */
const CONFIG_KEYS = new Set(
  [federationSubgraphSchema, graphqlSubgraphSchema, restSubgraphSchema].flatMap((s) => Object.keys(s.shape)),
);

/**
 * Checks a published entry; answers it with its resolved config. Throws BAD_USER_INPUT listing
 * every problem, each with its key.
 */
export function parseEntry(input: unknown): { entry: RegistryEntry; config: SubgraphConfig } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new GatehouseError('BAD_USER_INPUT', 'a registry entry is a JSON object', [
      '{ "name": "reviews", "kind": "federation", "url": "http://...", "sdl": "type Query { ... }" }',
    ]);
  const problems: string[] = [];
  const record = input as Record<string, unknown>;
  for (const key of ['schemaFile', 'openapi'])
    if (key in record)
      problems.push(`${key}: a registry entry carries its schema inline: put its text in \`sdl\``);
  const refused = Object.keys(record).filter((key) => !ENTRY_KEYS.has(key));
  for (const key of refused) {
    if (key === 'schemaFile' || key === 'openapi') continue;
    problems.push(
      CONFIG_KEYS.has(key)
        ? `${key}: a config key not applied to registry entries (per-subgraph policies, limits, caching and resilience are set in the gateway's config); remove it`
        : `${key}: unknown key (an entry's keys: ${[...ENTRY_KEYS].join(', ')}); remove it`,
    );
  }
  if (typeof record.sdl !== 'string' || record.sdl.trim() === '')
    problems.push('sdl: required: the subgraph schema (SDL) as text');
  const parsed = subgraphSchema.safeParse(input);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      // Keys refused above are said once each, there.
      if (issue.code === 'unrecognized_keys' && issue.path.length === 0) continue;
      if (refused.includes(String(issue.path[0]))) continue;
      problems.push(`${issue.path.length > 0 ? issue.path.join('.') : '(entry)'}: ${issue.message}`);
    }
  if (problems.length > 0 || !parsed.success) {
    const name = typeof record.name === 'string' ? ` ${record.name}` : '';
    throw new GatehouseError('BAD_USER_INPUT', `the registry entry${name} is not valid`, problems);
  }
  return { entry: input as RegistryEntry, config: parsed.data };
}
