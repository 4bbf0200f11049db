import { readFileSync } from 'node:fs';
import { type CadenceFacts, ConfigInvalid, type FollowupConfig, parseConfig } from '../core/config.ts';

/** Reads and validates followup.config.json; a missing or malformed file is a ConfigInvalid that says the fix. */
export function loadConfig(
  file: string,
  cadenceIds: ReadonlySet<string>,
  facts: CadenceFacts = {},
): FollowupConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigInvalid(`${file} not found; copy followup.config.json from the repository and edit it`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigInvalid(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, file, cadenceIds, facts);
}
