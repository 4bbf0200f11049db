import { CadenceSchema } from './cadence-schema.ts';
import * as z from './zod.ts';

/**
 * The JSON Schema editors use to autocomplete and flag cadence files (committed as cadences/cadence.schema.json).
 * zod cannot express "exactly one of day or wait" (or of template or variants), so each is added here as a oneOf.
 */
export function cadenceJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CadenceSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  const steps = (schema.properties as Record<string, { items: Record<string, unknown> }>).steps;
  if (steps) {
    steps.items.oneOf = [{ required: ['day'] }, { required: ['wait'] }];
    // A step names one template or its variants: the second oneOf sits in an allOf beside the first.
    steps.items.allOf = [{ oneOf: [{ required: ['template'] }, { required: ['variants'] }] }];
  }
  return { ...schema, $id: 'https://followup.dev/cadence.schema.json', title: 'Followup cadence' };
}

export function cadenceJsonSchemaText(): string {
  return `${JSON.stringify(cadenceJsonSchema(), null, 2)}\n`;
}
