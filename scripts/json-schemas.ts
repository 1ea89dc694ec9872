/**
 * The JSON Schemas of fundplan's files, generated from their zod schemas (the one source):
 * schema/scenario.schema.json and schema/policy.schema.json describe the input as written
 * (amounts as numbers or strings such as "150万"), for editors and other tools;
 * schema/summary.schema.json describes the summary.json a solve writes.
 *   npm run schemas
 * A test checks the committed files against freshly generated ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { policySchema } from '../src/model/policy.js';
import { scenarioSchema } from '../src/model/scenario.js';
import { SummarySchema } from '../src/report/summary-schema.js';

export const SCHEMA_FOLDER = 'schema';

/** File name → the zod schema it is generated from. */
const SOURCES = {
  'scenario.schema.json': scenarioSchema,
  'policy.schema.json': policySchema,
  'summary.schema.json': SummarySchema,
} as const;

export type SchemaFile = keyof typeof SOURCES;

/** The JSON Schema of one file: what may be written into it (the input side of any transform). */
export function jsonSchemaOf(name: SchemaFile): Record<string, unknown> {
  const schema = z.toJSONSchema(SOURCES[name], { io: 'input', unrepresentable: 'throw' });
  if (name !== 'scenario.schema.json') return schema;
  // The schema holds the merged chain of `extends`: a file that extends another needs none of
  // the fields its base may set.
  const { required, ...rest } = schema;
  return { ...rest, anyOf: [{ required: ['extends'] }, { required }] };
}

/** Every schema file with its content, as written to schema/. */
export function jsonSchemaFiles(): { name: SchemaFile; content: string }[] {
  return (Object.keys(SOURCES) as SchemaFile[]).map((name) => ({ name, content: JSON.stringify(jsonSchemaOf(name), null, 2) + '\n' }));
}

function main(): void {
  const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', SCHEMA_FOLDER);
  mkdirSync(folder, { recursive: true });
  for (const f of jsonSchemaFiles()) {
    writeFileSync(join(folder, f.name), f.content);
    console.log(`wrote ${join(SCHEMA_FOLDER, f.name)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
