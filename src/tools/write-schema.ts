/** `npm run schema`: writes scenarios/scenario.schema.json from the zod schema, for editors. */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { scenarioJsonSchema, scenarioSchema } from '../core/scenario.js'
import { partners } from '../partners/index.js'

export const SCHEMA_FILE = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url))

export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(scenarioSchema(partners)), null, 2)}\n`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaText())
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`)
}
