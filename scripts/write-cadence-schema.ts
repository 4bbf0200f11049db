import { writeFileSync } from 'node:fs';
import { cadenceJsonSchemaText } from '../functions/core/cadence-json-schema.ts';
import { configJsonSchemaText } from '../functions/core/config-json-schema.ts';

// `npm run schema`: the JSON Schemas editors read, generated from the zod definitions (tests fail when one is stale).
writeFileSync(new URL('../cadences/cadence.schema.json', import.meta.url), cadenceJsonSchemaText());
console.log('wrote cadences/cadence.schema.json');
writeFileSync(new URL('../followup.config.schema.json', import.meta.url), configJsonSchemaText());
console.log('wrote followup.config.schema.json');
