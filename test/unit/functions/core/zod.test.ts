import { describe, expect, it } from 'vitest';
import * as z from '../../../../functions/core/zod.ts';

describe('the zod/mini helpers', () => {
  it("answers in classic zod's English messages", () => {
    // Act
    const result = z.object({ n: z.number() }).safeParse({ n: 'one' });

    // Assess
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'Invalid input: expected number, received string',
    ]);
  });

  it('fails a value from inside a transform, at its path', () => {
    // Prepare
    const schema = z.object({
      id: z.pipe(
        z.string(),
        z.transform((v: string, ctx) => (v === 'ok' ? v : z.reject(ctx, 'is not ok'))),
      ),
    });

    // Act / Assess
    expect(schema.safeParse({ id: 'ok' })).toMatchObject({ success: true, data: { id: 'ok' } });
    expect(schema.safeParse({ id: 'no' }).error?.issues).toEqual([
      { code: 'custom', message: 'is not ok', path: ['id'] },
    ]);
  });

  it('runs a preprocess step before the schema checks the value', () => {
    // Prepare
    const schema = z.preprocess((v) => (Array.isArray(v) ? v.at(-1) : v), z.string());

    // Act / Assess
    expect(schema.parse(['a', 'b'])).toBe('b');
    expect(schema.safeParse([1]).success).toBe(false);
  });

  it('puts a description in the JSON Schema', () => {
    // Act
    const json = z.toJSONSchema(z.described(z.string(), 'A name.'));

    // Assess
    expect(json).toMatchObject({ type: 'string', description: 'A name.' });
  });
});
