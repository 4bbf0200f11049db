import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoPromotionStore } from '../../functions/adapters/dynamo/promotion-store.ts';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { pickVariant } from '../../functions/core/variant.ts';
import { leadIdFor } from '../../functions/domain/lead.ts';
import type { LocalFunction } from '../../local/step-functions.ts';
import {
  enroll,
  leadOf,
  ManualClock,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from './harness.ts';

/*
 * autoPromote end to end on the local runtime, with the deployed IAM enforced: counters where b clearly wins, the
 * sweep the runtime runs every 5 minutes records the promotion once, and every lead enrolled after gets b on every
 * touch of a cadence with autoPromote; the same counters in a cadence without it switch nothing.
 */

const REPO = new URL('../..', import.meta.url).pathname;
const MINUTE = 60_000;
const DAY = 86_400_000;
const STEPS = ['proposal', 'nudge'] as const;
const TEMPLATES = { a: 'proposal-sent', b: 'proposal-received' } as const;

const cadenceFile = (id: string, autoPromote: boolean) => ({
  id,
  name: id,
  timezone: 'America/Chicago',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
  minGap: '1 minute',
  decideOn: 'positiveReplies',
  ...(autoPromote ? { autoPromote: true } : {}),
  steps: STEPS.map((step, i) => ({
    id: step,
    wait: i === 0 ? '0 minutes' : '1 day',
    channel: 'email',
    variants: [
      { id: 'a', template: TEMPLATES.a, weight: 1 },
      { id: 'b', template: TEMPLATES.b, weight: 1 },
    ],
  })),
});

let project: { path: string; remove: () => void };
let engine: TestRuntime;

beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  project = tempDir('followup-auto-promote-');
  for (const name of ['cadences', 'templates', 'followup.config.json'])
    cpSync(join(REPO, name), join(project.path, name), { recursive: true });
  // The stack's code, so the deployed IAM is synthesized for these cadences and enforced (local/iam/deployed.ts).
  for (const name of ['lib', 'functions', 'node_modules'])
    symlinkSync(join(REPO, name), join(project.path, name));
  for (const [id, auto] of [
    ['offer-auto', true],
    ['offer-manual', false],
  ] as const)
    writeFileSync(join(project.path, 'cadences', `${id}.json`), JSON.stringify(cadenceFile(id, auto)));
  const configPath = join(project.path, 'followup.config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  writeFileSync(
    configPath,
    JSON.stringify({ ...config, formCadences: [...config.formCadences, 'offer-auto', 'offer-manual'] }),
  );
  engine = await startTestRuntime({ clock: new ManualClock(T0), root: project.path });
  // The first run synthesizes the stack for these cadences (seconds to a minute on a busy machine); then it is cached.
}, 240_000);
afterEach(async () => {
  await engine?.stop();
  project.remove();
});

/** Lets 5 virtual minutes pass and waits for the sweep the runtime runs then, as the stack's schedule would. */
async function nextSweep(): Promise<unknown> {
  const functions = engine.runtime.functions as Map<string, LocalFunction>;
  const sweeper = functions.get('enrollment-sweeper') as LocalFunction;
  const swept = new Promise<unknown>((resolve, reject) => {
    functions.set('enrollment-sweeper', async (event) => {
      functions.set('enrollment-sweeper', sweeper);
      try {
        const result = await sweeper(event);
        resolve(result);
        return result;
      } catch (error) {
        reject(error);
        throw error;
      }
    });
  });
  await engine.advanceTo(new Date(engine.clock.now().getTime() + 5 * MINUTE));
  const result = await swept;
  await engine.settle();
  return result;
}

/** Addresses whose own pick in `cadenceId` is a on every step: only a promotion sends them b. */
function pickingA(cadenceId: string, count: number): string[] {
  const variants = (cadenceFile(cadenceId, false) as unknown as Cadence).steps[0]?.variants ?? [];
  return Array.from({ length: 400 }, (_, i) => `buyer-${i}+${cadenceId}@example.com`)
    .filter((email) =>
      STEPS.every((step) => pickVariant(variants, leadIdFor(email), cadenceId, step)?.id === 'a'),
    )
    .slice(0, count);
}

describe('autoPromote on the local runtime', () => {
  it('switches a clear winner by itself, once, for every later lead and touch; never without autoPromote', async () => {
    // Prepare: b answers positively four times as often on both steps of both cadences.
    const table = { client: engine.runtime.ddb, tableName: engine.runtime.tableName };
    const aggregates = new DynamoAggregates(table);
    for (const cadenceId of ['offer-auto', 'offer-manual'])
      for (const step of STEPS)
        for (const [variant, positiveReplies] of [
          ['a', 10],
          ['b', 40],
        ] as const)
          await aggregates.add(
            { cadenceId, month: '2026-03', slot: 'variant', owner: `${step}/${variant}` },
            { sent: 300, replies: positiveReplies, positiveReplies },
          );

    // Act: the runtime's sweep, twice.
    const sweptFirst = await nextSweep();
    const promotions = new DynamoPromotionStore(table);
    const first = await promotions.promotions('offer-auto');
    const sweptAgain = await nextSweep();
    const leads = [];
    for (const cadence of ['offer-auto', 'offer-manual']) {
      for (const email of pickingA(cadence, 3)) {
        const answer = await enroll(engine.url, { email, cadence });
        leads.push({ cadence, leadId: answer.leadId });
      }
    }
    await engine.advanceTo(new Date(T0.getTime() + 3 * DAY));

    // Assess: one record per step, written by the first sweep and left alone by the second.
    expect(first.map((p) => [p.stepId, p.variant])).toEqual([
      ['nudge', 'b'],
      ['proposal', 'b'],
    ]);
    expect(first.every((p) => p.probabilityBest >= 0.95 && p.at === first[0]?.at)).toBe(true);
    expect(sweptFirst).toMatchObject({
      promotion: { promoted: [{ stepId: 'proposal' }, { stepId: 'nudge' }] },
    });
    expect(sweptAgain).toMatchObject({ promotion: { open: 0, promoted: [] } });
    expect(await promotions.promotions('offer-auto')).toEqual(first);
    expect(await promotions.promotions('offer-manual')).toEqual([]);
    expect(leads).toHaveLength(6);
    for (const { cadence, leadId } of leads) {
      const view = await leadOf(engine.url, leadId);
      const sent = view.touches.filter((t) => t.cadenceId === cadence && t.status === 'sent');
      expect(sent.map((t) => t.step).sort()).toEqual(['nudge', 'proposal']);
      const expected = cadence === 'offer-auto' ? TEMPLATES.b : TEMPLATES.a;
      expect(sent.map((t) => t.template)).toEqual([expected, expected]);
    }
  }, 120_000);

  it('credits a reply to the promoted variant a lead was sent, whatever its own pick', async () => {
    // Prepare: b won both steps of offer-auto; a lead whose own pick is a is sent b on both.
    const table = { client: engine.runtime.ddb, tableName: engine.runtime.tableName };
    const promotions = new DynamoPromotionStore(table);
    for (const stepId of STEPS)
      await promotions.record({
        cadenceId: 'offer-auto',
        stepId,
        variants: 'a+b',
        variant: 'b',
        decideOn: 'positiveReplies',
        probabilityBest: 0.99,
        sent: { a: 300, b: 300 },
        at: T0.toISOString(),
      });
    const [email] = pickingA('offer-auto', 1);
    const { leadId } = await enroll(engine.url, { email, cadence: 'offer-auto' });
    await engine.advanceTo(new Date(T0.getTime() + 3 * DAY));

    // Act: the reply goes through the signal function, its deployed role enforced.
    const response = await fetch(`${engine.url}/api/leads/${leadId}/signals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'reply', text: 'Yes, this looks great - send me more info.' }),
    });
    await engine.settle();

    // Assess
    expect(response.status).toBe(200);
    const rows = await new DynamoAggregates(table).read({ cadenceIds: ['offer-auto'] });
    const variants = Object.fromEntries(
      rows.filter((r) => r.slot === 'variant').map((r) => [r.owner, r.counts]),
    );
    expect(variants).toEqual({
      'proposal/b': { sent: 1, replies: 1, positiveReplies: 1 },
      'nudge/b': { sent: 1, replies: 1, positiveReplies: 1 },
    });
  }, 120_000);
});
