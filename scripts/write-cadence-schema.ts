import { writeFileSync } from 'node:fs';
import { cadenceJsonSchemaText } from '../functions/core/cadence-json-schema.ts';

const target = new URL('../cadences/cadence.schema.json', import.meta.url);
writeFileSync(target, cadenceJsonSchemaText());
console.log('wrote cadences/cadence.schema.json');
