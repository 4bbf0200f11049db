import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../../bin/commands/report.ts';
import type { Report } from '../../../functions/core/report.ts';
import {
  enroll,
  getJson,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from '../../integ/harness.ts';
import { textOf } from '../../support/html-check.ts';

/*
 * The measures on the local runtime, from the same handler code as Lambda: leads are touched on the virtual clock,
 * some answer, one deal is won; the dashboard charts it, GET /api/report and `followup report` agree.
 */

const DAY = 86_400_000;

let engine: TestRuntime;
let data: ReturnType<typeof tempDir>;

beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  data = tempDir('followup-measure-');
  engine = await startTestRuntime({ dataDir: data.path });
});

afterEach(async () => {
  await engine.stop();
  data.remove();
});

const post = (path: string, body: unknown) =>
  fetch(`${engine.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });

describe('the follow-up measures on the local runtime', () => {
  it('are counted as touches go out and leads answer, charted on the dashboard and read by `followup report`', async () => {
    // Prepare: 4 leads; 3 days pass (the instant reply, the next-day call, and what follows).
    const leads = [];
    for (const name of ['Avery', 'Jordan', 'Riley', 'Casey']) {
      leads.push((await enroll(engine.url, { email: `${name.toLowerCase()}@example.com`, name })).leadId);
    }
    await engine.advanceTo(new Date(T0.getTime() + 3 * DAY));
    const [avery, jordan] = leads as [string, string];

    // Act: Avery replies and buys for 2,500; Jordan replies.
    expect((await post(`/api/leads/${avery}/signals`, { type: 'reply' })).status).toBe(200);
    expect((await post(`/api/leads/${jordan}/signals`, { type: 'reply' })).status).toBe(200);
    expect((await post(`/api/leads/${avery}/outcome`, { result: 'won', value: 2500 })).status).toBe(200);
    await engine.settle();

    // Assess: the report from the aggregates. Every lead got the same touches; the replies answer the last.
    const report = await getJson<Report>(`${engine.url}/api/report`);
    const [first, second] = report.byTouch;
    const last = report.byTouch.at(-1);
    expect(first).toMatchObject({ touch: 1, sent: 4, sentByChannel: { email: 4 } });
    expect(second).toMatchObject({ touch: 2, sent: 4, sentByChannel: { call: 4 } });
    expect(report.byTouch.every((t) => t.sent === 4)).toBe(true);
    expect(last).toMatchObject({ replies: 2, responseRate: 0.5, won: 1, revenue: 2500 });
    expect(report).toMatchObject({
      leadsContacted: 4,
      leadsWithTwoTouches: 4,
      replies: 2,
      won: 1,
      conversionRate: 0.25,
      avgTouchesToClose: last?.touch,
      revenueRecovered: 2500,
    });
    // The dashboard draws it.
    const page = textOf(await (await fetch(`${engine.url}/`)).text());
    expect(page).toContain('Response rate by touch number');
    expect(page).toContain('25% Conversion from follow-up');
    expect(page).toContain('2,500 Revenue recovered');
    // And the command line reads the running runtime's table: the same numbers.
    let out = '';
    await reportCommand(
      { data: data.path, json: true },
      { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => true } },
    );
    expect(JSON.parse(out)).toEqual(report);
  });

  it('refuses a month that is not YYYY-MM on GET /api/report', async () => {
    const response = await fetch(`${engine.url}/api/report?since=March`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: '"March" is not a month; use YYYY-MM' });
  });
});
