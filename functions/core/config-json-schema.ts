import { FollowupConfigSchema } from './config.ts';
import * as z from './zod.ts';

/**
 * The JSON Schema editors use to autocomplete and flag followup.config.json (committed as followup.config.schema.json
 * beside it): every field with its description, `owners` and `sending` included. Cross-field rules (a rep listed
 * twice, a From name SES would refuse) are checked at synth, as the cadence schema leaves its own to parseCadence.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(FollowupConfigSchema, {
    io: 'input',
    target: 'draft-2020-12',
    // A refinement (a valid IANA zone, a From header) has no JSON Schema form: the field's type and description stay.
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://followup.dev/followup.config.schema.json',
    title: 'Followup configuration',
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
