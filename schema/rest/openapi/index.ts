/**
 * OpenAPI 3 import: from a document (JSON or YAML, local `$ref`s) to the same SDL with `@rest`,
 * `@restLookup` and `@map` that a person would write, then built by the same builder. Every
 * problem found is reported together, naming where in the document it is.
 */

import { GatehouseError } from '../../../core/errors.ts';
import type { RestEntityOptions } from '../../options.ts';
import { asObject, type Json, RefResolver, readOpenApi } from './document.ts';
import { applyEntities } from './entities.ts';
import { pascalCase } from './names.ts';
import { readOperations } from './operations.ts';
import { type ObjectDef, printSdl } from './sdl.ts';
import { TypeRegistry } from './types.ts';

type EntityConfig = RestEntityOptions;

/**
 * Reads the document and generates the SDL; throws CONFIG_INVALID with every problem: a local
 * file that cannot be read, parsed or imported stops the gateway at startup.
 */
export async function openApiSubgraphSdl(
  name: string,
  file: string,
  entities: readonly EntityConfig[],
): Promise<string> {
  const failed = (problems: string[], cause?: unknown) =>
    new GatehouseError('CONFIG_INVALID', `REST subgraph ${name}: cannot import ${file}`, problems, { cause });
  let document: Json;
  try {
    document = await readOpenApi(file);
  } catch (cause) {
    throw failed([(cause as Error).message], cause);
  }
  const { sdl, problems } = generateRestSdl(document, entities);
  if (problems.length > 0) throw failed(problems);
  return sdl;
}

/** The SDL with REST directives for an OpenAPI document, and the problems found on the way. */
export function generateRestSdl(
  document: Json,
  entities: readonly EntityConfig[] = [],
): { sdl: string; problems: string[] } {
  const problems: string[] = [];
  const refs = new RefResolver(document, problems);
  const schemas = asObject(asObject(document.components)?.schemas) ?? {};
  // Entity keys are typed ID: known before the types are generated.
  const idFields = new Map<string, string>();
  for (const entity of entities) {
    const component = Object.keys(schemas).find((c) => pascalCase(c) === entity.type);
    if (component !== undefined) idFields.set(component, entity.key);
  }
  const registry = new TypeRegistry(refs, schemas, idFields, problems);
  const operations = readOperations(document, registry, refs, problems);
  applyEntities(entities, registry, operations, problems);

  const roots: ObjectDef[] = [];
  for (const root of ['Query', 'Mutation'] as const) {
    const fields = operations.filter((o) => o.root === root).map((o) => o.field);
    if (fields.length > 0) roots.push({ kind: 'type', name: root, fields, directives: [] });
  }
  if (roots.length === 0)
    problems.push('the document has no GET, POST, PUT, PATCH or DELETE operation under paths');
  const sdl = printSdl({
    objects: [...roots, ...registry.objects.values()],
    enums: registry.enums.values(),
    scalars: [...(registry.usesJson ? ['JSON'] : []), ...(registry.usesBigInt ? ['BigInt'] : [])],
  });
  return { sdl, problems };
}
