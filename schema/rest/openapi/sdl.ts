/** The generated SDL, as plain definitions printed to text (then parsed and checked like any SDL). */

/** An argument of a field. */
export interface ArgDef {
  name: string;
  type: string;
  description?: string;
}

/** A field (or input field) to print. */
export interface FieldDef {
  name: string;
  /** GraphQL type reference, e.g. `[Product!]!`. */
  type: string;
  args?: ArgDef[];
  /** Directive uses, printed as written: `@map(from: "first-name")`. */
  directives: string[];
  description?: string;
  /** The property name in the JSON, when the field comes from one. */
  json?: string;
}

/** An object or input type to print. */
export interface ObjectDef {
  kind: 'type' | 'input';
  name: string;
  fields: FieldDef[];
  directives: string[];
  description?: string;
}

/** An enum to print; `from` is the JSON value when it differs from the name. */
export interface EnumDef {
  name: string;
  values: Array<{ name: string; from?: string }>;
  description?: string;
}

/** Prints the definitions as SDL: scalars, then objects and inputs, then enums. */
export function printSdl(parts: {
  objects: Iterable<ObjectDef>;
  enums: Iterable<EnumDef>;
  scalars: Iterable<string>;
}): string {
  const out: string[] = [];
  for (const scalar of parts.scalars) out.push(`scalar ${scalar}`);
  for (const def of parts.objects) {
    const head = [def.kind, def.name, ...def.directives].join(' ');
    const fields = def.fields.map((f) => indent(printField(f)));
    out.push(`${describe(def.description)}${head} {\n${fields.join('\n')}\n}`);
  }
  for (const def of parts.enums) {
    const values = def.values.map(
      (v) => `  ${v.name}${v.from === undefined ? '' : ` @map(from: ${JSON.stringify(v.from)})`}`,
    );
    out.push(`${describe(def.description)}enum ${def.name} {\n${values.join('\n')}\n}`);
  }
  return `${out.join('\n\n')}\n`;
}

function printField(field: FieldDef): string {
  const args =
    field.args && field.args.length > 0
      ? `(${field.args.map((a) => `${describe(a.description, true)}${a.name}: ${a.type}`).join(', ')})`
      : '';
  return [`${describe(field.description)}${field.name}${args}: ${field.type}`, ...field.directives].join(' ');
}

function describe(text: string | undefined, inline = false): string {
  if (text === undefined || text.trim() === '') return '';
  const escaped = JSON.stringify(text.trim());
  return inline ? `${escaped} ` : `${escaped}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
