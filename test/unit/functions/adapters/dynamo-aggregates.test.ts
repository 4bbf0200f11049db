import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAggregates } from '../../../../functions/adapters/dynamo-aggregates.ts';
import { buildReport } from '../../../../functions/core/report.ts';
import type { Signal } from '../../../../functions/domain/signal-schema.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import {
  CART,
  type Dynamo,
  type Engine,
  engine,
  enroll,
  FOLLOW_UP,
  type SignalFields,
  signalOf,
  startDynamo,
  TABLE,
  touchEvent,
} from '../../../support/metrics-world.ts';

/*
 * The aggregates on a real DynamoDB protocol (dynalite): exact when many touches and signals write the same counters
 * at once, never doubled by a duplicate delivery, and read by key at a cost that does not grow with the leads.
 */

const NOW = new Date('2026-03-04T16:00:00Z');
const LATER = new Date('2026-03-09T16:00:00Z');
const WIN_AT = new Date('2026-04-02T15:00:00Z');

let dynamo: Dynamo;
let e: Engine;

beforeEach(async () => {
  dynamo = await startDynamo();
  e = engine(dynamo.client);
});

afterEach(async () => {
  await dynamo.close();
});

async function enrollMany(count: number, cadenceId = FOLLOW_UP.id) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      enroll(e, { email: `lead-${i}@example.com`, name: `Lead ${i}` }, cadenceId, NOW),
    ),
  );
}

const signal = (leadId: string, fields: SignalFields, at = LATER): Signal => signalOf(leadId, fields, at);

/** `count` deliveries of the same signal at once, as SES or a retrying client may make them. */
const deliverConcurrently = (s: Signal, count: number) =>
  Promise.all(Array.from({ length: count }, () => applySignal(e.signalDeps, s, LATER)));

describe('DynamoAggregates.add', () => {
  it('loses no count when 200 writers add to the same counter at once', async () => {
    // Prepare
    const key = { cadenceId: 'follow-up', month: '2026-03', slot: 1 } as const;

    // Act
    await Promise.all(Array.from({ length: 200 }, () => e.aggregates.add(key, { sent: 1, sentEmail: 1 })));

    // Assess
    const [row] = await e.aggregates.read();
    expect(row?.counts).toMatchObject({ sent: 200, sentEmail: 200 });
  });
});

describe('aggregates kept by the touch and the signals', () => {
  it('are exact when 60 leads are touched and answer at once, each answer delivered several times', async () => {
    // Prepare: 60 leads; touch 2 for two thirds of them, touch 3 for one third.
    const leads = await enrollMany(60);
    const touches = (i: number) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 2 : 3);
    for (const step of [0, 1, 2]) {
      await Promise.all(
        leads
          .filter((_, i) => touches(i) > step)
          .map((lead) => performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, step), NOW)),
      );
    }

    // Act: every 5th lead replies (3 deliveries at once), every 10th then wins (2 deliveries), some unsubscribe.
    await Promise.all(
      leads.flatMap((lead, i) => {
        if (i % 5 === 0)
          return [deliverConcurrently(signal(lead.leadId, { type: 'reply', id: `reply-${i}` }), 3)];
        if (i % 7 === 1) {
          return [deliverConcurrently(signal(lead.leadId, { type: 'unsubscribe', id: `unsub-${i}` }), 2)];
        }
        return [];
      }),
    );
    await Promise.all(
      leads
        .filter((_, i) => i % 10 === 0)
        .map((lead, k) =>
          deliverConcurrently(
            signal(
              lead.leadId,
              { type: 'outcome', id: `won-${k}`, result: 'won', value: 100 * (k + 1) },
              WIN_AT,
            ),
            2,
          ),
        ),
    );

    // Assess: the same figures counted by hand.
    const expected = new Map<
      number,
      { sent: number; replies: number; won: number; revenue: number; unsub: number }
    >();
    for (const n of [1, 2, 3]) expected.set(n, { sent: 0, replies: 0, won: 0, revenue: 0, unsub: 0 });
    let k = 0;
    leads.forEach((_, i) => {
      for (let n = 1; n <= touches(i); n++) (expected.get(n) as { sent: number }).sent++;
      const at = expected.get(touches(i)) as { replies: number; won: number; revenue: number; unsub: number };
      if (i % 5 === 0) at.replies++;
      if (i % 10 === 0) {
        at.won++;
        at.revenue += 100 * ++k;
      }
      if (i % 5 !== 0 && i % 7 === 1) at.unsub++;
    });
    const report = buildReport(await e.aggregates.read());
    expect(
      report.byTouch.map((t) => ({
        touch: t.touch,
        sent: t.sent,
        replies: t.replies,
        won: t.won,
        revenue: t.revenue,
        unsub: t.unsubscribes,
      })),
    ).toEqual([...expected.entries()].map(([touch, counts]) => ({ touch, ...counts })));
    // Touches 1 and 3 are emails, touch 2 a call.
    expect(report.totals.sentByChannel).toEqual({ email: 80, sms: 0, call: 40, task: 0 });
    expect(report.leadsContacted).toBe(60);
    expect(report.leadsWithTwoTouches).toBe(40);
    expect(report.cadences[0]).toMatchObject({ leadsContacted: 60, leadsWithTwoTouches: 40 });
    // The metrics saw each answer once too.
    expect(e.metrics.totals.get('Replies')).toBe(12);
    expect(e.metrics.totals.get('Conversions')).toBe(6);
    expect(e.metrics.totals.get('TouchesSent')).toBe(120);
  });

  it('count a touch once however often Step Functions retries it', async () => {
    // Prepare
    const [lead] = await enrollMany(1);
    const event = touchEvent(lead as { leadId: string; enrollmentId: string }, FOLLOW_UP.id, 0);

    // Act: the retry of a touch whose first attempt went out, and a concurrent duplicate.
    await performTouch(e.touchDeps, event, NOW);
    await Promise.all([performTouch(e.touchDeps, event, NOW), performTouch(e.touchDeps, event, NOW)]);

    // Assess
    expect(buildReport(await e.aggregates.read()).byTouch).toEqual([
      expect.objectContaining({ touch: 1, sent: 1 }),
    ]);
  });

  it('number the touches of two cadences taking turns by the lead, and count each enrollment once', async () => {
    // Prepare: a lead in both cadences; the cart's touches fall between the follow-up's.
    const [web] = await enrollMany(1);
    const lead = web as { leadId: string; enrollmentId: string };
    const cart = await enroll(e, { email: 'lead-0@example.com' }, CART.id, NOW);

    // Act: follow-up 1, cart 1, follow-up 2, cart 2, follow-up 3.
    await performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, 0), NOW);
    await performTouch(e.touchDeps, touchEvent(cart, CART.id, 0), NOW);
    await performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, 1), NOW);
    await performTouch(e.touchDeps, touchEvent(cart, CART.id, 1), NOW);
    await performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, 2), NOW);

    // Assess
    const report = buildReport(await e.aggregates.read());
    const touchesOf = (id: string) =>
      report.cadences.find((c) => c.cadence === id)?.byTouch.map((t) => [t.touch, t.sent]);
    expect(touchesOf(FOLLOW_UP.id)).toEqual([
      [1, 1],
      [3, 1],
      [5, 1],
    ]);
    expect(touchesOf(CART.id)).toEqual([
      [2, 1],
      [4, 1],
    ]);
    // Overall the lead counts once; each cadence counts its enrollment once.
    expect(report).toMatchObject({ leadsContacted: 1, leadsWithTwoTouches: 1 });
    for (const c of report.cadences) expect(c).toMatchObject({ leadsContacted: 1, leadsWithTwoTouches: 1 });
  });

  it('count a won deal in the month of the lead’s first touch and, for revenue per month, in the month won', async () => {
    // Prepare: first touched in March, touched again and won in April.
    const [lead] = await enrollMany(1);
    const l = lead as { leadId: string; enrollmentId: string };
    await performTouch(e.touchDeps, touchEvent(l, FOLLOW_UP.id, 0), NOW);
    await performTouch(e.touchDeps, touchEvent(l, FOLLOW_UP.id, 1), new Date('2026-04-01T15:00:00Z'));

    // Act
    await applySignal(
      e.signalDeps,
      signal(l.leadId, { type: 'outcome', id: 'won', result: 'won', value: 4200 }, WIN_AT),
      WIN_AT,
    );

    // Assess
    const march = buildReport(await e.aggregates.read(), { until: '2026-03' });
    expect(march).toMatchObject({ won: 1, revenueRecovered: 4200, conversionRate: 1, avgTouchesToClose: 2 });
    expect(march.revenueByMonth).toEqual([]);
    const april = buildReport(await e.aggregates.read({ since: '2026-04' }), { since: '2026-04' });
    expect(april.revenueByMonth).toEqual([
      { month: '2026-04', won: 1, revenue: 4200, revenueRecovered: 4200 },
    ]);
    expect(april.won).toBe(0);
  });
});

describe('the report reads', () => {
  async function reportRequests(leadCount: number): Promise<{ queries: number; other: number }> {
    const leads = await enrollMany(leadCount);
    for (const step of [0, 1]) {
      await Promise.all(
        leads.map((lead) => performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, step), NOW)),
      );
    }
    await Promise.all(
      leads
        .filter((_, i) => i % 4 === 0)
        .map((lead, i) =>
          applySignal(e.signalDeps, signal(lead.leadId, { type: 'reply', id: `r-${i}` }), LATER),
        ),
    );
    dynamo.requests.clear();
    const report = buildReport(
      await new DynamoAggregates({ client: dynamo.client, tableName: TABLE }).read(),
    );
    expect(report.leadsContacted).toBe(leadCount);
    const queries = dynamo.requests.get('QueryCommand') ?? 0;
    const all = [...dynamo.requests.values()].reduce((a, b) => a + b, 0);
    return { queries, other: all - queries };
  }

  it('are the same few Queries for 10 leads as for 100: the index, then one per cadence × month', async () => {
    // Act
    const small = await reportRequests(10);
    await dynamo.close();
    dynamo = await startDynamo();
    e = engine(dynamo.client);
    const large = await reportRequests(100);

    // Assess
    expect(small).toEqual({ queries: 2, other: 0 });
    expect(large).toEqual(small);
  });
});
