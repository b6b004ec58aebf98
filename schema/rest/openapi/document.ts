/**
 * Reading an OpenAPI 3 document (JSON or YAML) and following its local `$ref`s. References to
 * component schemas are kept as names by the type generator (so recursive schemas become
 * recursive types); every other `$ref` is followed here, and a chain that loops is reported.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/** A JSON object of the document. */
export type Json = Record<string, unknown>;

/** The value when it is a JSON object (not an array), else undefined. */
export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The value when it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads and parses the document; throws an Error whose message says what is wrong. */
export async function readOpenApi(file: string): Promise<Json> {
  const text = await readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new Error(
      `${file} does not parse as ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(cause as Error).message}`,
    );
  }
  const document = asObject(parsed);
  const version = asString(document?.openapi);
  if (document === undefined || version === undefined || !version.startsWith('3.')) {
    throw new Error(`${file} is not an OpenAPI 3 document (its "openapi" field must be "3.x")`);
  }
  return document;
}

const COMPONENT_SCHEMA = /^#\/components\/schemas\/([^/]+)$/;

/** The component schema name a `$ref` points to, if it points to one. */
export function schemaRefName(node: unknown): string | undefined {
  const ref = asString(asObject(node)?.$ref);
  const match = ref === undefined ? null : COMPONENT_SCHEMA.exec(ref);
  return match ? decodePointer(match[1]!) : undefined;
}

/** Follows local `$ref`s (JSON pointers into the document). */
export class RefResolver {
  constructor(
    private readonly document: Json,
    private readonly problems: string[],
  ) {}

  /** The node itself, or what its `$ref` chain ends at; undefined when it cannot be followed. */
  deref(node: unknown, where: string): Json | undefined {
    const seen = new Set<string>();
    let current = asObject(node);
    while (current !== undefined && typeof current.$ref === 'string') {
      const ref = current.$ref;
      if (seen.has(ref)) {
        this.problems.push(`${where}: $ref "${ref}" loops back to itself; break the cycle`);
        return undefined;
      }
      seen.add(ref);
      current = this.pointer(ref, where);
    }
    return current;
  }

  private pointer(ref: string, where: string): Json | undefined {
    if (!ref.startsWith('#/')) {
      this.problems.push(`${where}: $ref "${ref}" is not local; bundle the document into one file`);
      return undefined;
    }
    let node: unknown = this.document;
    for (const part of ref.slice(2).split('/')) node = asObject(node)?.[decodePointer(part)];
    const found = asObject(node);
    if (found === undefined) this.problems.push(`${where}: $ref "${ref}" points to nothing`);
    return found;
  }
}

function decodePointer(part: string): string {
  return decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
}
