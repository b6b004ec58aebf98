/**
 * The resolver of a field with `@rest`: renders the call from the arguments and the parent, sends
 * it, and returns the selected part of the JSON answer. A 404 on a nullable field is `null`
 * without an error (the resource does not exist); on a non-null field it is REST_HTTP_ERROR.
 */
import { type GraphQLResolveInfo, getNullableType, isNonNullType, isScalarType } from 'graphql';
import { headersOfRoot } from '../../core/outgoing-headers.ts';
import { type RestTarget, sendRest } from './http.ts';
import { argsToJson, inputToJson } from './json-shape.ts';
import { jsonName, type NamedTemplate, type RestCall, type RestModel } from './model.ts';
import { encodeHeaderValue, getPath, renderPath, renderTemplate, type TemplateVariable } from './template.ts';

/** What a `@rest` field resolver needs besides its call. */
export interface FieldResolverOptions {
  target: RestTarget;
  model: RestModel;
  /** The type that owns the field, to read `{parent.x}` by its JSON name. */
  typeName: string;
}

type Resolver = (
  parent: unknown,
  args: Record<string, unknown>,
  context: unknown,
  info: GraphQLResolveInfo,
) => Promise<unknown>;

/** The resolver of one `@rest` field. */
export function restFieldResolver(call: RestCall, options: FieldResolverOptions): Resolver {
  const { target, model, typeName } = options;
  return async function resolveRestField(parent, args, _context, info) {
    const read = (variable: TemplateVariable): unknown => {
      if (variable.scope === 'args') return getPath(args, variable.path);
      const [field, ...rest] = variable.path;
      const own = getPath(parent, [jsonName(model, typeName, field!), ...rest]);
      // `{parent.x}` may also name a JSON property the type does not expose.
      return own === undefined ? getPath(parent, variable.path) : own;
    };
    const path = renderPath(call.path, read);
    // A path variable without a usable value (null, or a dot segment): there is nothing to fetch.
    if (path === undefined) return null;
    let body: unknown;
    if (call.body !== undefined) {
      const defs = info.parentType.getFields()[info.fieldName]?.args ?? [];
      const [name, ...rest] = call.body;
      const def = defs.find((d) => d.name === name);
      body =
        name === undefined
          ? argsToJson(model, args, defs)
          : getPath(def ? inputToJson(model, args[name], def.type) : args[name], rest);
    }
    const answer = await sendRest(
      target,
      {
        method: call.method,
        path,
        query: rendered(call.query, read).map(({ name, value }) => [name, value] as const),
        headers: Object.fromEntries(
          rendered(call.headers, read, encodeHeaderValue).map(({ name, value }) => [name, value]),
        ),
        body,
        signal: (info as { signal?: AbortSignal }).signal,
        callHeaders: headersOfRoot(info.rootValue),
      },
      !isNonNullType(info.returnType),
    );
    if (!answer.found) return null;
    // A Boolean field answered with no content (204, an empty 200), or with JSON that is not a
    // boolean, is true: the call succeeded. (An OpenAPI operation that declares no JSON answer is
    // a Boolean; its API may answer JSON all the same.)
    const type = getNullableType(info.returnType);
    const isBoolean = isScalarType(type) && type.name === 'Boolean';
    if (answer.value === undefined) return isBoolean ? true : null;
    const value = getPath(answer.value, call.select) ?? null;
    return isBoolean && typeof value !== 'boolean' ? true : value;
  };
}

/** Renders named templates; those with a missing value are left out. */
function rendered(
  templates: readonly NamedTemplate[],
  read: (variable: TemplateVariable) => unknown,
  encode?: (value: string) => string,
): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const template of templates) {
    const value = renderTemplate(template.value, read, encode);
    if (value !== undefined) out.push({ name: template.name, value });
  }
  return out;
}
