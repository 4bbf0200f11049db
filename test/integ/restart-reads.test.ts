import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  enroll,
  leadOf,
  ManualClock,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from './harness.ts';

/*
 * A restart with many leads in flight and a touch due for each (docs/architecture.md §7): the API answers while the
 * runtime catches up, and every lead's due touch still happens once.
 */

const LEADS = 24;
const HOUR = 3_600_000;

let dir: ReturnType<typeof tempDir>;
const started: TestRuntime[] = [];

async function start(at: Date): Promise<TestRuntime> {
  const rt = await startTestRuntime({ dataDir: dir.path, clock: new ManualClock(at) });
  started.push(rt);
  return rt;
}

beforeEach(({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  dir = tempDir('followup-restart-reads-');
});

afterEach(async () => {
  for (const rt of started.splice(0)) await rt.stop();
  dir.remove();
});

describe('a restart with leads in flight', () => {
  it('answers a lead read before it has caught up, then has sent each due touch once', async () => {
    // Prepare: 24 leads whose instant reply has gone out; their first call is due 24 hours later
    const first = await start(T0);
    const leadIds: string[] = [];
    for (let n = 0; n < LEADS; n++) {
      const { leadId } = await enroll(first.url, {
        email: `restart-${n}@example.com`,
        name: `Lead ${n}`,
        cadence: 'web-inquiry',
      });
      leadIds.push(leadId);
    }
    await first.settle();
    await first.stop();

    // Act: start again when every first call is due; read a lead at once
    const second = await start(new Date(T0.getTime() + 25 * HOUR));
    const order: string[] = [];
    const caughtUp = second.runtime.sfn.caughtUp().then(() => order.push('caught up'));
    const read = leadOf(second.url, leadIds.at(-1) ?? '').then((lead) => {
      order.push('read');
      return lead;
    });
    const lead = await read;
    // The governor lets 14 emails a second through (the local SES rate): the rest wait on the clock for capacity.
    await second.advanceTo(new Date(T0.getTime() + 25 * HOUR + 10 * 60_000));
    await caughtUp;

    // Assess: the read came first; then every lead has its reply and its first call, once each
    expect(order).toEqual(['read', 'caught up']);
    expect(lead.lead.email).toBe(`restart-${LEADS - 1}@example.com`);
    expect(second.runtime.resumed).toBe(LEADS);
    const steps = await Promise.all(
      leadIds.map(async (id) => (await leadOf(second.url, id)).touches.map((t) => t.step).sort()),
    );
    expect(steps).toEqual(leadIds.map(() => ['first-call', 'instant-reply']));
    expect(
      (await mailboxOf(second.url)).filter((m) => m.destination.to[0]?.startsWith('restart-')),
    ).toHaveLength(LEADS);
    // Two dozen enrollments and a restart with the deployed IAM evaluated: a minute on a busy machine.
  }, 180_000);
});
