import { describe, expect, it } from 'vitest';
import { postLeadJson, useEngine } from './harness.ts';

/* The local runtime lets a form start only the configured formCadences, as the deployed intake does. */

const engine = useEngine();

describe('POST /leads with a cadence', () => {
  it.each(['re-engage', 'quarterly-nurture', 'abandoned-cart'])(
    'refuses "%s", which formCadences does not list, with a field error and starts nothing',
    async (cadence) => {
      // Act
      const { status, body } = await postLeadJson(engine().url, { email: 'ana.ruiz@example.com', cadence });
      await engine().settle();

      // Assess
      expect(status).toBe(400);
      expect(body).toMatchObject({ errors: { cadence: 'is not a follow-up this form can start' } });
      expect(engine().runtime.sfn.list()).toEqual([]);
    },
  );

  it('starts each cadence formCadences lists', async () => {
    // Prepare
    const { url, runtime } = engine();

    // Act
    const answers = await Promise.all(
      runtime.config.formCadences.map((cadence, i) =>
        postLeadJson(url, { email: `lead${i}@example.com`, cadence }),
      ),
    );

    // Assess
    expect(answers.map((a) => [a.status, a.body.enrollment.cadence])).toEqual(
      runtime.config.formCadences.map((cadence) => [202, cadence]),
    );
  });
});
