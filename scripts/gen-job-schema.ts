/** Writes schemas/job.schema.json from src/config/defaults.ts (`npm run docs:schema`). test/unit/config/json-schema.test.ts checks it is current. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJobJsonSchema } from '../src/config/json-schema.js';

writeFileSync(fileURLToPath(new URL('../schemas/job.schema.json', import.meta.url)), renderJobJsonSchema());
