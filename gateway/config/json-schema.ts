/** Writes `gatehouse.schema.json`, the JSON Schema editors use to complete and check config files. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './schema.ts';

/** The JSON Schema of the config file (the input side: defaults are optional). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export const JSON_SCHEMA_PATH = fileURLToPath(new URL('../../gatehouse.schema.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(JSON_SCHEMA_PATH, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
