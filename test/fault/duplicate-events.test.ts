import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { DynamoLeadReads } from '../../functions/adapters/dynamo/reads.ts';
import { orderCompletedEvent, sesFeedbackEvent } from '../../local/signal-events.ts';
import { enroll, showLogsOnFailure, startTestRuntime, type TestRuntime } from '../integ/harness.ts';
import { scanAll } from '../integ/table-scan.ts';

/*
 * EventBridge delivers at least once: the same event can arrive twice, one after the other or at the same time.
 * Either way it is applied once — one status change, one deal, one suppression, one set of counts.
 */

let engine: TestRuntime;
beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  engine = await startTestRuntime();
});
afterEach(async () => {
  await engine.stop();
});

/** Everything the table holds, in a stable order: what a duplicate must not change. */
async function snapshot() {
  const items = await scanAll(engine.runtime.ddb, engine.runtime.tableName);
  return items.map((i) => JSON.stringify(i, Object.keys(i).sort())).sort();
}

const table = () => ({ client: engine.runtime.ddb, tableName: engine.runtime.tableName });

async function storedLead(leadId: string) {
  const lead = await new DynamoLeadStore(table()).getLead(leadId);
  if (!lead) throw new Error(`no lead ${leadId}`);
  return lead;
}

const statusEvents = async (leadId: string, to: string) =>
  ((await new DynamoLeadReads(table()).leadTimeline(leadId))?.events ?? []).filter(
    (e) => e.kind === 'status' && e.to === to,
  );

describe('the same EventBridge event delivered twice', () => {
  it('shop order.completed, one after the other: one won deal; the second delivery changes nothing at all', async () => {
    // Prepare
    const { leadId } = await enroll(engine.url, { email: 'maria.chen@example.com', name: 'Maria Chen' });
    await engine.settle();
    const order = orderCompletedEvent('maria.chen@example.com', 1_250, 'USD', engine.clock.now());

    // Act
    const first = await engine.runtime.signals.shopEvents(order);
    await engine.settle();
    const afterFirst = await snapshot();
    const second = await engine.runtime.signals.shopEvents(structuredClone(order));
    await engine.settle();

    // Assess
    expect(first).toMatchObject({ type: 'order.completed', outcome: 'applied' });
    expect(second).toEqual({ type: 'order.completed', duplicate: true });
    expect(await snapshot()).toEqual(afterFirst);
    // The report's counters are among what did not change: the deal is counted once.
    expect(afterFirst.filter((item) => item.includes('"pk":"AGG#web-inquiry#')).length).toBeGreaterThan(0);
    expect(await storedLead(leadId)).toMatchObject({ status: 'won', dealValue: 1_250 });
    expect(await statusEvents(leadId, 'won')).toHaveLength(1);
    expect(engine.runtime.sfn.list().filter((e) => e.status === 'ABORTED')).toHaveLength(1);
  });

  it('SES bounce, twice at the same time: applied once, the address suppressed once, the cadence stopped', async () => {
    // Prepare
    const { leadId } = await enroll(engine.url, { email: 'no.such.box@example.com', name: 'Nobody' });
    await engine.settle();
    const bounce = sesFeedbackEvent('bounce', await storedLead(leadId), engine.clock.now());

    // Act
    const results = await Promise.all([
      engine.runtime.signals.sesEvents(bounce),
      engine.runtime.signals.sesEvents(structuredClone(bounce)),
    ]);
    await engine.settle();
    const afterBoth = await snapshot();
    const third = await engine.runtime.signals.sesEvents(structuredClone(bounce));

    // Assess
    expect(results.map((r) => (r as { outcome: string }).outcome).sort()).toEqual(['applied', 'duplicate']);
    expect(third).toMatchObject({ outcome: 'duplicate' });
    expect(await snapshot()).toEqual(afterBoth);
    expect((await storedLead(leadId)).status).toBe('bounced');
    expect(await statusEvents(leadId, 'bounced')).toHaveLength(1);
    const suppressions = (await scanAll(engine.runtime.ddb, engine.runtime.tableName)).filter(
      (i) => i.sk === 'SUPPRESS',
    );
    expect(suppressions).toHaveLength(1);
    expect(engine.runtime.sfn.list().map((e) => e.status)).toEqual(['ABORTED']);
  });
});
