import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FollowupConfigSchema, parseConfig } from '../../../../functions/core/config.ts';
import { repsOf } from '../../../../functions/domain/owners.ts';

/* `owners` (#15): several reps with weights, zones and hours; `owner` alone still means what it did. */

const ROOT = new URL('../../../../', import.meta.url).pathname;
const shipped = JSON.parse(readFileSync(`${ROOT}followup.config.json`, 'utf8'));
const ids = new Set([shipped.defaultCadence, ...shipped.formCadences, 're-engage']);
const parse = (raw: unknown) => parseConfig(raw, 'followup.config.json', ids);

describe('owners', () => {
  it('is optional: a config with only owner has no reps', () => {
    const config = parse(shipped);
    expect(config.owners).toBeUndefined();
    expect(repsOf(config)).toEqual([]);
  });

  it('fills each rep’s weight and days', () => {
    const config = parse({
      ...shipped,
      owners: [
        { name: 'Ana', email: 'ana@acme.com', hours: { from: '09:00', to: '17:00' } },
        { name: 'Ben', email: 'ben@acme.com', weight: 2, timeZone: 'Europe/Berlin' },
      ],
    });
    expect(repsOf(config)).toEqual([
      {
        name: 'Ana',
        email: 'ana@acme.com',
        weight: 1,
        timeZone: shipped.defaultTimeZone,
        hours: { days: 'Mon-Fri', from: '09:00', to: '17:00' },
      },
      { name: 'Ben', email: 'ben@acme.com', weight: 2, timeZone: 'Europe/Berlin' },
    ]);
  });

  it('names each bad field and how to fix it', () => {
    const parseBad = () =>
      parse({
        ...shipped,
        owners: [
          { name: 'Ana', email: 'ana@acme.com', hours: { days: 'Weekdays', from: '17:00', to: '09:00' } },
          { name: 'Ana again', email: 'ANA@acme.com', timeZone: 'Mars/Olympus', weight: 0 },
        ],
      });
    expect(parseBad).toThrow(
      /owners\[0\]\.hours\.days: "Weekdays" is not a list of days; use e\.g\. "Mon-Fri"/,
    );
    expect(parseBad).toThrow(/owners\[0\]\.hours\.to: must be after "from"/);
    expect(parseBad).toThrow(/owners\[1\]\.timeZone: "Mars\/Olympus" is not an IANA time zone/);
    expect(parseBad).toThrow(/owners\[1\]\.weight/);
  });

  it('refuses the same rep twice', () => {
    const twice = {
      ...shipped,
      owners: [
        { name: 'A', email: 'a@acme.com' },
        { name: 'B', email: 'A@acme.com' },
      ],
    };
    expect(() => parse(twice)).toThrow(/owners: names a rep twice/);
  });

  it('describes the new fields in the JSON Schema', async () => {
    const z = await import('../../../../functions/core/zod.ts');
    const schema = z.toJSONSchema(FollowupConfigSchema, { io: 'input' }) as unknown as {
      properties: { owners: { description: string } };
    };
    expect(schema.properties.owners.description).toContain('round-robin');
  });
});
