// `npm run schema`: write the scenario format's JSON Schema to public/scenario.schema.json.
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_PATH, scenarioJsonSchemaText } from '../scenario/json-schema';

const target = new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url);
writeFileSync(target, scenarioJsonSchemaText());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
