/** The files generated from the config schema (`npm run config:schema`) are up to date. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOCS_END, DOCS_START } from '../../gateway/config/docs.ts';
import {
  CONFIG_DOCS_PATH,
  configDocsText,
  configJsonSchema,
  configJsonSchemaText,
  JSON_SCHEMA_PATH,
} from '../../gateway/config/json-schema.ts';

describe('generated config files', () => {
  it('gatehouse.schema.json matches the schema (run `npm run config:schema`)', () => {
    assert.equal(readFileSync(JSON_SCHEMA_PATH, 'utf8'), configJsonSchemaText());
  });

  it('the option tables of docs/configuration.md match the schema (run `npm run config:schema`)', () => {
    const page = readFileSync(CONFIG_DOCS_PATH, 'utf8');
    assert.equal(page, configDocsText(page));
  });

  it('every top-level option appears in the generated tables of docs/configuration.md', () => {
    const page = readFileSync(CONFIG_DOCS_PATH, 'utf8');
    const generated = page.slice(page.indexOf(DOCS_START), page.indexOf(DOCS_END));
    const { properties } = configJsonSchema() as { properties: Record<string, unknown> };
    // A row (`key`), a section (### `key`) or the rows of a list of objects (`key[]`).
    const missing = Object.keys(properties).filter(
      (key) => !generated.includes(`\`${key}\``) && !generated.includes(`\`${key}[]`),
    );
    assert.deepEqual(missing, []);
  });

  it('the JSON Schema rejects unknown keys, as the runtime check does', () => {
    const schema = configJsonSchema() as {
      additionalProperties?: unknown;
      properties: Record<string, { additionalProperties?: unknown }>;
    };
    assert.equal(schema.additionalProperties, false);
    for (const key of ['server', 'upstream', 'loading']) {
      assert.equal(schema.properties[key]?.additionalProperties, false, key);
    }
  });

  it('every option is documented: each one has a description', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const { properties, items, oneOf } = node as {
        properties?: Record<string, { description?: string }>;
        items?: unknown;
        oneOf?: unknown[];
      };
      for (const [key, child] of Object.entries(properties ?? {})) {
        if (!child.description) missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
      if (items) walk(items, path.replace(/\.$/, '[].'));
      for (const option of oneOf ?? []) walk(option, path);
    };
    walk(configJsonSchema(), '');
    assert.deepEqual(missing, []);
  });
});
