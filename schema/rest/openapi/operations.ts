/**
 * Root fields from OpenAPI operations: GET becomes a Query field, the other methods Mutation
 * fields, named by operationId (camelCase). Path, query and header parameters become arguments
 * (non-null when required), a JSON request body the `input` argument, and the JSON schema of the
 * 200/201 answer the field's type. Each field carries the `@rest` directive that calls it.
 */
import type { HttpMethod } from '../model.ts';
import { asObject, asString, type Json, type RefResolver } from './document.ts';
import { camelCase, fieldName, pascalCase, uniqueName } from './names.ts';
import type { ArgDef, FieldDef } from './sdl.ts';
import type { TypeRegistry } from './types.ts';

/** One operation of the document, as a root field. */
export interface Operation {
  /** The operationId as written (or generated from method and path). */
  id: string;
  root: 'Query' | 'Mutation';
  method: HttpMethod;
  /** The OpenAPI path, e.g. `/products/{productId}`. */
  path: string;
  /** Parameters: JSON name, where, argument name. */
  params: Array<{ name: string; in: 'path' | 'query' | 'header'; arg: string; required: boolean }>;
  field: FieldDef;
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const JSON_MEDIA = /^application\/([\w.+-]+\+)?json\b/;

/** Every mapped operation under `paths`; problems go to `problems`. */
export function readOperations(
  document: Json,
  registry: TypeRegistry,
  refs: RefResolver,
  problems: string[],
) {
  const operations: Operation[] = [];
  const names = { Query: new Set<string>(), Mutation: new Set<string>() };
  for (const [path, pathNode] of Object.entries(asObject(document.paths) ?? {})) {
    const pathItem = refs.deref(pathNode, `paths.${path}`);
    if (pathItem === undefined) continue;
    for (const method of METHODS) {
      const node = asObject(pathItem[method.toLowerCase()]);
      if (node === undefined) continue;
      const where = `paths.${path}.${method.toLowerCase()}`;
      const root = method === 'GET' ? 'Query' : 'Mutation';
      const id = asString(node.operationId) ?? `${method.toLowerCase()} ${path.replace(/[{}]/g, '')}`;
      const name = uniqueName(camelCase(id), names[root]);
      const operation = readOperation({ id, name, root, method, path, where, node, pathItem });
      if (operation) operations.push(operation);
    }
  }
  return operations;

  function readOperation(o: {
    id: string;
    name: string;
    root: 'Query' | 'Mutation';
    method: HttpMethod;
    path: string;
    where: string;
    node: Json;
    pathItem: Json;
  }): Operation | undefined {
    registry.where = `${o.where} (operation ${o.id})`;
    const args: ArgDef[] = [];
    const argNames = new Set<string>();
    const params: Operation['params'] = [];
    const query: string[] = [];
    const headers: string[] = [];
    let template = o.path;
    for (const param of parameters(o.pathItem, o.node, o.where)) {
      const where = asString(param.in);
      const json = asString(param.name);
      if (json === undefined || (where !== 'path' && where !== 'query' && where !== 'header')) continue;
      const arg = uniqueName(fieldName(json), argNames);
      const required = where === 'path' || param.required === true;
      const type = registry.typeOf(param.schema, 'input', `${pascalCase(o.name)}${pascalCase(json)}`);
      args.push({ name: arg, type: required ? `${type}!` : type, description: asString(param.description) });
      params.push({ name: json, in: where, arg, required });
      if (where === 'path') template = template.replaceAll(`{${json}}`, `{args.${arg}}`);
      if (where === 'query') query.push(`${json}={args.${arg}}`);
      if (where === 'header') headers.push(`${json}: {args.${arg}}`);
    }
    const unbound = /\{(?!args\.)([^}]*)\}/.exec(template);
    if (unbound) {
      problems.push(`${o.where}: path parameter "${unbound[1]}" is not declared in parameters; declare it`);
      return undefined;
    }
    let body: string | undefined;
    const requestBody = refs.deref(o.node.requestBody, `${o.where}.requestBody`);
    if (requestBody !== undefined) {
      const media = jsonMedia(requestBody);
      if (media === undefined) return undefined; // forms and uploads are not mapped
      const input = uniqueName('input', argNames);
      const type = registry.typeOf(media.schema, 'input', pascalCase(o.name));
      args.push({ name: input, type: requestBody.required === true ? `${type}!` : type });
      body = `args.${input}`;
    }
    const directive = [`method: ${o.method}`, `path: ${JSON.stringify(template)}`];
    if (query.length > 0) directive.push(`query: ${JSON.stringify(query)}`);
    if (headers.length > 0) directive.push(`headers: ${JSON.stringify(headers)}`);
    if (body !== undefined) directive.push(`body: ${JSON.stringify(body)}`);
    const field: FieldDef = {
      name: o.name,
      type: responseType(o.node, o.root, o.name, o.where),
      args,
      directives: [`@rest(${directive.join(', ')})`],
      description: asString(o.node.summary) ?? asString(o.node.description),
    };
    return { id: o.id, root: o.root, method: o.method, path: o.path, params, field };
  }

  /** Path-level parameters, overridden by operation-level ones of the same name and place. */
  function parameters(pathItem: Json, node: Json, where: string): Json[] {
    const byKey = new Map<string, Json>();
    const all = [...((pathItem.parameters as unknown[]) ?? []), ...((node.parameters as unknown[]) ?? [])];
    for (const raw of all) {
      const param = refs.deref(raw, `${where}.parameters`);
      if (param !== undefined) byKey.set(`${String(param.in)}:${String(param.name)}`, param);
    }
    return [...byKey.values()];
  }

  function jsonMedia(node: Json): { schema: unknown } | undefined {
    const content = asObject(node.content) ?? {};
    const media = Object.keys(content).find((type) => JSON_MEDIA.test(type));
    return media === undefined ? undefined : { schema: asObject(content[media])?.schema };
  }

  /** The type of the first success answer (200, 201, other 2XX, default); nullable, so 404 is null. */
  function responseType(node: Json, root: 'Query' | 'Mutation', name: string, where: string): string {
    const responses = asObject(node.responses) ?? {};
    const status = ['200', '201', ...Object.keys(responses).filter((s) => /^2/.test(s)), 'default'].find(
      (s) => responses[s] !== undefined,
    );
    const response = status === undefined ? undefined : refs.deref(responses[status], `${where}.responses`);
    const media = response === undefined ? undefined : jsonMedia(response);
    if (media?.schema === undefined)
      return root === 'Query' ? registry.typeOf(undefined, 'output', name) : 'Boolean';
    return registry.typeOf(media.schema, 'output', `${pascalCase(name)}Result`);
  }
}
