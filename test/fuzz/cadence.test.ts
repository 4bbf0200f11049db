import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../functions/core/cadence.ts';
import { compileCadence } from '../../functions/core/compile.ts';

/*
 * The cadence validator takes whatever a marketer's editor saves: it never throws, and it answers either a cadence
 * (which then compiles) or issues that each name a path and say what is wrong in words.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const SHIPPED = readdirSync(join(ROOT, 'cadences'))
  .filter((f) => f.endsWith('.json') && f !== 'cadence.schema.json')
  .map((f) => JSON.parse(readFileSync(join(ROOT, 'cadences', f), 'utf8')) as Record<string, unknown>);
const KNOWN = new Set(SHIPPED.map((c) => String(c.id)));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value (object keys and array indexes). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }
  return [prefix];
}

/** A copy of `value` with the thing at `path` replaced (or deleted when `replacement` is undefined). */
function mutate(value: unknown, path: (string | number)[], replacement: Json | undefined): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/** A shipped cadence with one to three things changed: a value replaced by anything, or removed. */
const mutatedCadence = fc
  .tuple(
    fc.constantFrom(...SHIPPED),
    fc.array(fc.tuple(fc.nat(), fc.option(fc.jsonValue({ maxDepth: 3 }))), { minLength: 1, maxLength: 3 }),
  )
  .map(([cadence, changes]) =>
    changes.reduce<unknown>((current, [pick, replacement]) => {
      const all = paths(current);
      return mutate(
        current,
        all[pick % all.length] as (string | number)[],
        (replacement ?? undefined) as Json | undefined,
      );
    }, cadence),
  );

function expectAnswer(raw: unknown) {
  const result = parseCadence(raw, { knownCadences: KNOWN });
  if (result.ok) {
    expect(() =>
      compileCadence(result.cadence, { touchFunction: 'touch', completeFunction: 'complete' }),
    ).not.toThrow();
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.message).not.toMatch(/\[object Object\]|undefined is not|Cannot read prop/);
  }
}

describe('parseCadence on arbitrary input', () => {
  it('any JSON value: a cadence or issues with paths, never a throw', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), expectAnswer), { numRuns: 500 });
  });

  it('any JavaScript value, including non-JSON (NaN, -0, sparse arrays, null prototypes)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
        expectAnswer,
      ),
      {
        numRuns: 300,
      },
    );
  });

  it('a shipped cadence with values replaced or removed anywhere: a cadence that compiles, or issues', () => {
    fc.assert(fc.property(mutatedCadence, expectAnswer), { numRuns: 600 });
  });

  it('object-shaped junk in every field of a cadence', () => {
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.integer({ min: -5, max: 400 }));
    fc.assert(
      fc.property(
        fc.record(
          {
            id: junk,
            name: junk,
            timezone: fc.oneof(junk, fc.constantFrom('America/Chicago', 'Nowhere/Else')),
            sendWindow: fc.oneof(
              junk,
              fc.record({ days: junk, start: junk, end: junk }, { requiredKeys: [] }),
            ),
            holidays: junk,
            minGap: junk,
            exitOn: junk,
            steps: fc.oneof(
              junk,
              fc.array(
                fc.record(
                  { id: junk, day: junk, wait: junk, channel: junk, template: junk, sendWindow: junk },
                  { requiredKeys: [] },
                ),
                { maxLength: 5 },
              ),
            ),
            then: junk,
          },
          { requiredKeys: [] },
        ),
        expectAnswer,
      ),
      { numRuns: 500 },
    );
  });
});
