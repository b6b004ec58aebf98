/**
 * The resolvers of a REST subgraph, from its SDL and its `RestModel`: `@rest` fields call the API,
 * `@map`ped fields read their JSON name, fields of entity types turn foreign keys into references,
 * entity types with `@restLookup` get a `__resolveReference`, enums with `@map` get their values,
 * a declared `scalar BigInt` gets its implementation (64-bit integers as strings).
 */
import { type DocumentNode, Kind, type TypeNode } from 'graphql';
import type { SubgraphResolvers } from '../federation/build-subgraph-schema.ts';
import { BIG_INT, bigIntScalar } from './big-int.ts';
import { restFieldResolver } from './field-resolver.ts';
import type { RestTarget } from './http.ts';
import { toEntityReference } from './json-shape.ts';
import { restEntityResolver } from './lookup.ts';
import { coordinate, jsonName, type RestModel } from './model.ts';

/** The API, the mapping, and the cap on parallel single lookups. */
export interface RestResolverOptions {
  target: RestTarget;
  model: RestModel;
  concurrency: number;
}

type ResolverMap = Record<string, Record<string, unknown>>;

/** Resolvers for the stripped SDL `document`, from `options.model`. */
export function buildRestResolvers(document: DocumentNode, options: RestResolverOptions): SubgraphResolvers {
  const { model } = options;
  const resolvers: ResolverMap = {};
  const typeResolvers = (name: string) => {
    resolvers[name] ??= {};
    return resolvers[name];
  };

  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = def.name.value;
    for (const field of def.fields ?? []) {
      const fieldName = field.name.value;
      const call = model.calls.get(coordinate(typeName, fieldName));
      if (call) {
        typeResolvers(typeName)[fieldName] = restFieldResolver(call, { ...options, typeName });
        continue;
      }
      const from = jsonName(model, typeName, fieldName);
      const entity = namedType(field.type);
      const isEntity = model.entities.has(entity);
      if (from === fieldName && !isEntity) continue; // the default resolver reads it
      typeResolvers(typeName)[fieldName] = (parent: Record<string, unknown> | null | undefined) => {
        const value = parent?.[from];
        return isEntity ? toEntityReference(model, entity, value) : value;
      };
    }
  }

  for (const [typeName, lookups] of model.lookups) {
    typeResolvers(typeName).__resolveReference = restEntityResolver(typeName, lookups, options);
  }
  for (const typeName of model.entities.keys()) {
    // Entities without a lookup still need their references renamed to JSON names.
    typeResolvers(typeName).__resolveReference ??= restEntityResolver(typeName, [], options);
  }
  const declaresBigInt = document.definitions.some(
    (d) => d.kind === Kind.SCALAR_TYPE_DEFINITION && d.name.value === BIG_INT,
  );
  if (declaresBigInt) resolvers[BIG_INT] = { ...bigIntScalar };
  for (const [enumName, values] of model.enumValues) {
    // Internal values of the enum: resolvers return, and arguments receive, the JSON values.
    Object.assign(typeResolvers(enumName), Object.fromEntries(values));
  }
  // Enum value maps are plain strings, which makeExecutableSchema accepts but the type does not spell.
  return resolvers as SubgraphResolvers;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
