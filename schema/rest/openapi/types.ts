/**
 * GraphQL types from OpenAPI schemas. Component schemas become named types (output `Product`,
 * input `ProductInput`, enums shared); inline objects get names from where they appear
 * (`ListProductsItem`); what GraphQL cannot express faithfully (free-form objects, `oneOf`) is the
 * `JSON` scalar; `int64` is the `BigInt` scalar (a string; see schema/rest/big-int.ts). A `$ref`
 * to a component schema that does not exist is a problem, naming the operation that uses it. A component is registered before its properties are read, so recursive schemas
 * become recursive types.
 */
import { asObject, asString, type Json, type RefResolver, schemaRefName } from './document.ts';
import { enumValueName, fieldName, pascalCase, uniqueName } from './names.ts';
import type { EnumDef, FieldDef, ObjectDef } from './sdl.ts';

/** Whether a schema is read as an output type or an input type. */
export type Mode = 'output' | 'input';

const RESERVED = [
  'Query',
  'Mutation',
  'Subscription',
  'JSON',
  'BigInt',
  'String',
  'Int',
  'Float',
  'Boolean',
  'ID',
  'HttpMethod',
];

/** The types generated so far, by name; asked for the GraphQL type of each schema met. */
export class TypeRegistry {
  readonly objects = new Map<string, ObjectDef>();
  readonly enums = new Map<string, EnumDef>();
  usesJson = false;
  usesBigInt = false;
  /** Where in the document the schemas being read are used, for problems (an operation). */
  where = 'the document';
  private readonly taken = new Set<string>(RESERVED);
  private readonly components = new Map<string, string>();
  private readonly enumsBySignature = new Map<string, string>();

  /**
   * @param idFields per component name, the field typed `ID` (an entity's key)
   */
  constructor(
    private readonly refs: RefResolver,
    private readonly schemas: Json,
    private readonly idFields: ReadonlyMap<string, string>,
    private readonly problems: string[],
  ) {}

  /** The GraphQL type (without the outer `!`) of a schema; `hint` names inline types. */
  typeOf(node: unknown, mode: Mode, hint: string): string {
    const component = schemaRefName(node);
    if (component !== undefined) return this.component(component, mode);
    const schema = this.refs.deref(node, hint);
    if (schema === undefined) return this.json();
    const single = singleOption(schema);
    if (single !== undefined) return this.typeOf(single, mode, hint);
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return this.json();
    if (Array.isArray(schema.enum)) return this.enumType(schema, hint);
    const type = typeName(schema);
    if (type === 'array') {
      const items = schema.items;
      return `[${this.typeOf(items, mode, `${hint}Item`)}${this.nullable(items) ? '' : '!'}]`;
    }
    if (type === 'object' || schema.properties !== undefined || Array.isArray(schema.allOf)) {
      return this.objectType(schema, mode, hint);
    }
    if (type === 'string') return 'String';
    if (type === 'integer') return schema.format === 'int64' ? this.bigInt() : 'Int';
    if (type === 'number') return 'Float';
    if (type === 'boolean') return 'Boolean';
    return this.json();
  }

  /** True when a schema allows null (`nullable: true`, `type: [x, "null"]`, `oneOf` with null). */
  nullable(node: unknown): boolean {
    const schema = this.refs.deref(node, 'a schema');
    if (schema === undefined) return true;
    if (schema.nullable === true) return true;
    if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
    const options = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
    return Array.isArray(options) && options.some((o) => asObject(o)?.type === 'null');
  }

  /** The properties (with `allOf` merged) and required names of an object schema. */
  properties(schema: Json): { properties: Array<[string, unknown]>; required: Set<string> } {
    const properties = new Map<string, unknown>();
    const required = new Set<string>();
    const visit = (node: unknown, depth: number) => {
      const s = this.refs.deref(node, 'allOf');
      if (s === undefined || depth > 16) return;
      for (const part of (s.allOf as unknown[] | undefined) ?? []) visit(part, depth + 1);
      for (const [k, v] of Object.entries(asObject(s.properties) ?? {})) properties.set(k, v);
      for (const r of (s.required as unknown[] | undefined) ?? []) if (typeof r === 'string') required.add(r);
    };
    visit(schema, 0);
    return { properties: [...properties], required };
  }

  private component(name: string, mode: Mode): string {
    const cacheKey = `${mode}:${name}`;
    const known = this.components.get(cacheKey);
    if (known !== undefined) return known;
    if (this.schemas[name] === undefined) {
      this.problems.push(
        `${this.where}: $ref "#/components/schemas/${name}" points to no schema; add components.schemas.${name} or fix the $ref`,
      );
      return this.json();
    }
    const schema = this.refs.deref(this.schemas[name], `components.schemas.${name}`);
    if (schema === undefined) return this.json();
    const isObject =
      typeName(schema) === 'object' || schema.properties !== undefined || Array.isArray(schema.allOf);
    if (!isObject || singleOption(schema) !== undefined || Array.isArray(schema.enum)) {
      // Enums, lists and scalars: no object type of their own (enums are shared by both modes).
      const type = this.typeOf(schema, mode, pascalCase(name));
      this.components.set(cacheKey, type);
      return type;
    }
    return this.objectType(schema, mode, pascalCase(name), cacheKey, name);
  }

  private objectType(schema: Json, mode: Mode, hint: string, cacheKey?: string, component?: string): string {
    const { properties, required } = this.properties(schema);
    if (properties.length === 0) return this.json();
    const name = uniqueName(mode === 'input' ? `${hint}Input` : hint, this.taken);
    if (cacheKey !== undefined) this.components.set(cacheKey, name);
    const def: ObjectDef = { kind: mode === 'input' ? 'input' : 'type', name, directives: [], fields: [] };
    def.description = asString(schema.description);
    this.objects.set(name, def);
    const fieldNames = new Set<string>();
    const idField = component === undefined ? undefined : this.idFields.get(component);
    for (const [json, node] of properties) {
      const property = asObject(node);
      if (mode === 'output' && property?.writeOnly === true) continue;
      if (mode === 'input' && property?.readOnly === true) continue;
      const field: FieldDef = {
        name: uniqueName(fieldName(json), fieldNames),
        type: '',
        directives: [],
        json,
      };
      let type = this.typeOf(node, mode, `${hint}${pascalCase(json)}`);
      if (field.name === idField && (type === 'String' || type === 'Int' || type === 'Float')) type = 'ID';
      field.type = required.has(json) && !this.nullable(node) ? `${type}!` : type;
      if (field.name !== json) field.directives.push(`@map(from: ${JSON.stringify(json)})`);
      field.description = asString(property?.description);
      def.fields.push(field);
    }
    return name;
  }

  private enumType(schema: Json, hint: string): string {
    const values = (schema.enum as unknown[]).filter((v) => v !== null);
    if (!values.every((v) => typeof v === 'string')) {
      return values.every((v) => Number.isInteger(v)) ? 'Int' : this.json();
    }
    // The same inline enum seen from the output and the input type is one enum.
    const signature = `${hint}:${values.join('|')}`;
    const known = this.enumsBySignature.get(signature);
    if (known !== undefined) return known;
    const name = uniqueName(hint, this.taken);
    this.enumsBySignature.set(signature, name);
    const taken = new Set<string>();
    this.enums.set(name, {
      name,
      description: asString(schema.description),
      values: (values as string[]).map((value) => {
        const valueName = uniqueName(enumValueName(value), taken);
        return { name: valueName, from: valueName === value ? undefined : value };
      }),
    });
    return name;
  }

  private bigInt(): string {
    this.usesBigInt = true;
    return 'BigInt';
  }

  private json(): string {
    this.usesJson = true;
    return 'JSON';
  }
}

function typeName(schema: Json): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') as string | undefined;
  return asString(schema.type);
}

/** `oneOf`/`anyOf` with one non-null option (how 3.1 writes a nullable `$ref`): that option. */
function singleOption(schema: Json): unknown {
  const options = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (!Array.isArray(options)) return undefined;
  const real = options.filter((o) => asObject(o)?.type !== 'null');
  return real.length === 1 ? real[0] : undefined;
}
