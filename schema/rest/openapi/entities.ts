/**
 * The `entities` of a REST subgraph config applied to the generated types: `@key` on the type, and
 * `@restLookup` from the operation that fetches one by key (`operation`) and/or the one that fetches
 * many by a list of keys (`batchOperation` + `batchParameter`). Where the answer wraps the entity
 * (`{ data: Product }`, `{ items: [Product] }`), the wrapping field becomes the `select`.
 */
import type { RestEntityOptions } from '../../options.ts';
import type { Operation } from './operations.ts';
import type { ObjectDef } from './sdl.ts';
import type { TypeRegistry } from './types.ts';

type EntityConfig = RestEntityOptions;

/** Adds `@key` and `@restLookup` to the generated types named in `entities`; problems go to `problems`. */
export function applyEntities(
  entities: readonly EntityConfig[],
  registry: TypeRegistry,
  operations: readonly Operation[],
  problems: string[],
): void {
  entities.forEach((entity, index) => {
    const at = `entities[${index}] (${entity.type})`;
    const def = registry.objects.get(entity.type);
    if (def === undefined || def.kind !== 'type') {
      const types = [...registry.objects.values()].filter((d) => d.kind === 'type').map((d) => d.name);
      problems.push(`${at}: no generated type is named ${entity.type}; generated types: ${types.join(', ')}`);
      return;
    }
    if (!def.fields.some((f) => f.name === entity.key)) {
      problems.push(
        `${at}: key "${entity.key}" is not a field of ${entity.type}; set key to one of its fields`,
      );
      return;
    }
    def.directives.push(`@key(fields: ${JSON.stringify(entity.key)})`);
    const lookup: string[] = [];
    if (entity.operation !== undefined) {
      const op = find(entity.operation, `${at} operation`);
      const keyParam = op?.params.filter((p) => p.in === 'path');
      if (op && keyParam?.length !== 1) {
        problems.push(`${at}: operation ${entity.operation} must take the key as its one path parameter`);
      } else if (op && keyParam?.[0]) {
        const path = op.path.replaceAll(`{${keyParam[0].name}}`, `{key.${entity.key}}`);
        lookup.push(`path: ${JSON.stringify(path)}`);
        const select = selectFor(op, entity.type, false);
        if (select) lookup.push(`select: ${JSON.stringify(select)}`);
      }
    }
    if ((entity.batchOperation === undefined) !== (entity.batchParameter === undefined)) {
      problems.push(`${at}: set both batchOperation and batchParameter, or neither`);
    } else if (entity.batchOperation !== undefined) {
      const op = find(entity.batchOperation, `${at} batchOperation`);
      const param = op?.params.find(
        (p) => p.name === entity.batchParameter || p.arg === entity.batchParameter,
      );
      if (op && (param === undefined || param.in !== 'query')) {
        problems.push(`${at}: ${entity.batchOperation} has no query parameter ${entity.batchParameter}`);
      } else if (op?.params.some((p) => p.in === 'path')) {
        problems.push(`${at}: batchOperation ${entity.batchOperation} cannot take path parameters`);
      } else if (op && param) {
        lookup.push(`batchPath: ${JSON.stringify(op.path)}`, `batchParameter: ${JSON.stringify(param.name)}`);
        const select = selectFor(op, entity.type, true);
        if (select) lookup.push(`batchSelect: ${JSON.stringify(select)}`);
      }
    }
    if (lookup.length > 0) def.directives.push(`@restLookup(${lookup.join(', ')})`);
  });

  function find(id: string, at: string): Operation | undefined {
    const op = operations.find((o) => o.id === id || o.field.name === id);
    if (op === undefined) problems.push(`${at}: no operation has operationId "${id}"`);
    else if (op.method !== 'GET') problems.push(`${at}: ${id} is ${op.method}; a lookup must be a GET`);
    else return op;
    return undefined;
  }

  /** Where the entity (or the list of them) sits in the answer: '' for the whole answer. */
  function selectFor(op: Operation, type: string, list: boolean): string | undefined {
    const wanted = (t: string) => named(t) === type && isList(t) === list;
    if (wanted(op.field.type)) return '';
    const wrapper: ObjectDef | undefined = registry.objects.get(named(op.field.type));
    const field = isList(op.field.type) ? undefined : wrapper?.fields.find((f) => wanted(f.type));
    if (field === undefined) {
      problems.push(
        `${op.id}: its answer has no ${list ? `list of ${type}` : type}; check the response schema`,
      );
      return undefined;
    }
    return field.json ?? field.name;
  }
}

function named(type: string): string {
  return type.replace(/[[\]!]/g, '');
}

function isList(type: string): boolean {
  return type.startsWith('[');
}
