/**
 * What the REST directives of a subgraph say, read once at load time (`read-directives.ts`) and
 * used by the resolvers: which call resolves which field, how entities are fetched, and how JSON
 * names map to GraphQL names.
 */
import type { Template } from './template.ts';

/** The methods `@rest(method:)` takes. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A named template: a query parameter (`limit={args.first}`) or a header (`X-Tenant: {args.t}`). */
export interface NamedTemplate {
  name: string;
  value: Template;
}

/** One `@rest` call. */
export interface RestCall {
  method: HttpMethod;
  path: Template;
  query: NamedTemplate[];
  headers: NamedTemplate[];
  /** Path below `args` sent as the JSON body (`[]` = all arguments); undefined = no body. */
  body: string[] | undefined;
  /** Path into the JSON response; `[]` = all of it. */
  select: string[];
}

/** One `@restLookup`: how to fetch an entity by the fields of one key. */
export interface RestLookup {
  /** The key's fields, by GraphQL name (only flat keys can be looked up). */
  keyFields: string[];
  single?: { path: Template; select: string[] };
  batch?: {
    path: string;
    parameter: string;
    select: string[];
    maxBatchSize: number;
  };
}

/** Everything the REST directives of one subgraph say. */
export interface RestModel {
  /** `@rest` calls by `Type.field`. */
  calls: Map<string, RestCall>;
  /** JSON names of fields and input fields, by type then GraphQL name (`@map`). */
  fieldNames: Map<string, Map<string, string>>;
  /** JSON values of enum values, by enum then GraphQL name (`@map`). */
  enumValues: Map<string, Map<string, string>>;
  /** Entity types (with `@key`) and the fields of each key (nested keys are left out). */
  entities: Map<string, string[][]>;
  /** Lookups by entity type, in declaration order. */
  lookups: Map<string, RestLookup[]>;
}

/** `Type.field`. */
export function coordinate(typeName: string, fieldName: string): string {
  return `${typeName}.${fieldName}`;
}

/** The JSON name of a GraphQL field (itself unless `@map` renames it). */
export function jsonName(model: RestModel, typeName: string, fieldName: string): string {
  return model.fieldNames.get(typeName)?.get(fieldName) ?? fieldName;
}

/** Splits `data.items` into `['data', 'items']`; empty or undefined selects everything. */
export function splitPath(path: string | undefined): string[] {
  if (path === undefined || path.trim() === '') return [];
  return path.split('.').map((p) => p.trim());
}
