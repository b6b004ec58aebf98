/**
 * The JSON Schema of the config file, which editors use to complete and check it. Run as a
 * script (`npm run config:schema`), it writes `gatehouse.schema.json` and the option tables of
 * `docs/configuration.md`; a test fails when either is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { withGeneratedTables } from './docs.ts';
import { configSchema } from './schema.ts';

/** The JSON Schema of the config file (the input side: defaults are optional). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    // zod leaves out the default of a value that is transformed (a duration: "2s" → 2000), as
    // the default is an output; a duration's default in milliseconds is also a valid input.
    override(ctx) {
      // `startsWith` also gives a `pattern`; its `format: "starts_with"` is not a JSON Schema
      // format, and validators such as ajv warn about it.
      if (ctx.jsonSchema.format === 'starts_with') delete ctx.jsonSchema.format;
      const def = ctx.zodSchema._zod.def;
      if (def.type === 'default' && ctx.jsonSchema.default === undefined) {
        ctx.jsonSchema.default = (def as z.core.$ZodDefaultDef).defaultValue;
      }
    },
  }) as Record<string, unknown>;
}

/** `gatehouse.schema.json` as it should be on disk. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** `docs/configuration.md` as it should be: `markdown` with its generated tables up to date. */
export function configDocsText(markdown: string): string {
  return withGeneratedTables(markdown, configJsonSchema());
}

export const JSON_SCHEMA_PATH = fileURLToPath(new URL('../../gatehouse.schema.json', import.meta.url));
export const CONFIG_DOCS_PATH = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(JSON_SCHEMA_PATH, configJsonSchemaText());
  writeFileSync(CONFIG_DOCS_PATH, configDocsText(readFileSync(CONFIG_DOCS_PATH, 'utf8')));
  console.log(`wrote ${JSON_SCHEMA_PATH} and the tables of ${CONFIG_DOCS_PATH}`);
}
