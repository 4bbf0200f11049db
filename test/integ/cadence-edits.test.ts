import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cadenceDiff } from '../../bin/commands/cadence-diff.ts';
import { cadenceTest } from '../../bin/commands/cadence-test.ts';
import { DynamoLeadReads } from '../../functions/adapters/dynamo/reads.ts';
import { ExecutionInputSchema } from '../../functions/core/execution-input.ts';
import {
  postLeadJson,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from './harness.ts';

/*
 * `followup cadence diff` and `cadence test` against a running local engine on a project folder of their own: the
 * reach it reports is what the enrollments in the table really hold, and a test send puts one [TEST] message per
 * touch in the engine's mailbox and no lead in its table.
 */

const REPO = new URL('../..', import.meta.url).pathname;
const DAY = 86_400_000;

let project: { path: string; remove: () => void };
let engine: TestRuntime;

beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  project = tempDir('followup-cadence-edits-');
  for (const name of ['cadences', 'templates', 'followup.config.json'])
    cpSync(join(REPO, name), join(project.path, name), { recursive: true });
  engine = await startTestRuntime({
    root: project.path,
    dataDir: join(project.path, '.followup'),
    iam: 'off',
  });
});
afterEach(async () => {
  await engine.stop();
  project.remove();
});

const reads = () => new DynamoLeadReads({ client: engine.runtime.ddb, tableName: engine.runtime.tableName });

/** Every stored schedule of the engine's leads, read back from the table: what the executions will do. */
async function storedSchedules() {
  const { leads } = await reads().listLeads({ limit: 200 });
  const timelines = await Promise.all(leads.map((lead) => reads().leadTimeline(lead.leadId)));
  return timelines
    .flatMap((t) => t?.enrollments ?? [])
    .map((e) => ExecutionInputSchema.parse(JSON.parse(e.inputJson)));
}

function draft(file: string, edit: (cadence: { steps: Record<string, unknown>[] }) => void): string {
  const cadence = JSON.parse(readFileSync(join(project.path, 'cadences', 'web-inquiry.json'), 'utf8'));
  edit(cadence);
  mkdirSync(join(project.path, 'drafts', 'templates'), { recursive: true });
  const path = join(project.path, 'drafts', file);
  writeFileSync(path, JSON.stringify(cadence, null, 2));
  return path;
}

describe('cadence diff and cadence test on a running local engine', () => {
  it('counts the in-flight leads and the touches that will get the new wording as their enrollments hold them', async () => {
    // Prepare: three leads a day apart, each past its instant reply.
    for (const [i, email] of ['ana@example.com', 'ben@example.com', 'cy@example.com'].entries()) {
      await engine.advanceTo(new Date(T0.getTime() + i * DAY));
      expect((await postLeadJson(engine.url, { email, cadence: 'web-inquiry' })).status).toBe(202);
    }
    await engine.advanceTo(new Date(T0.getTime() + 2 * DAY + 3_600_000));
    const now = engine.clock.now();
    const file = draft('web-inquiry.json', (c) => {
      c.steps.splice(1, 1);
    });
    const guide = join(project.path, 'templates', 'inquiry-guide.liquid');
    writeFileSync(
      join(project.path, 'drafts', 'templates', 'inquiry-guide.liquid'),
      readFileSync(guide, 'utf8').replace(/\n\n/, '\n\nA new line of wording.\n\n'),
    );

    // Act
    const diff = await cadenceDiff(file, {
      cadences: join(project.path, 'cadences'),
      templates: join(project.path, 'drafts', 'templates'),
      data: join(project.path, '.followup'),
      now: now.toISOString(),
    });

    // Assess: the numbers are what the stored schedules say.
    const schedules = await storedSchedules();
    const toGo = schedules.filter((s) => s.schedule.some((t) => Date.parse(t.at) > now.getTime()));
    const guideTouches = schedules.flatMap((s) =>
      s.schedule.filter((t) => t.template === 'inquiry-guide' && Date.parse(t.at) > now.getTime()),
    );
    const within = (days: number) =>
      guideTouches.filter((t) => Date.parse(t.at) - now.getTime() <= days * DAY).length;
    expect(toGo).toHaveLength(3);
    expect(diff.changes.map((c) => c.text)).toEqual(['step "first-call" (touch 2) removed']);
    expect(diff.templates.map((t) => t.template)).toEqual(['inquiry-guide']);
    expect(diff.reach.inFlight).toBe(3);
    expect(diff.reach.keepOldSchedule).toBe(3);
    expect(guideTouches.length).toBeGreaterThan(0);
    expect(diff.reach.templates).toEqual([
      {
        template: 'inquiry-guide',
        cadenceId: 'web-inquiry',
        step: 'three-questions',
        next7Days: within(7),
        next30Days: within(30),
        later: guideTouches.length - within(30),
      },
    ]);
  });

  it('puts one [TEST] message per touch in the engine mailbox and writes no lead', async () => {
    // Prepare
    const leadsBefore = await reads().countLeads();
    const mailBefore = engine.runtime.emails.length;
    const file = join(project.path, 'cadences', 'web-inquiry.json');
    const steps = (JSON.parse(readFileSync(file, 'utf8')) as { steps: unknown[] }).steps.length;

    // Act
    const { sent } = await cadenceTest(
      file,
      {
        to: 'tester@example.com',
        templates: join(project.path, 'templates'),
        cadences: join(project.path, 'cadences'),
        data: join(project.path, '.followup'),
      },
      undefined,
      async () => {},
    );

    // Assess
    const mail = engine.runtime.emails.slice(mailBefore);
    expect(sent).toHaveLength(steps);
    expect(mail).toHaveLength(steps);
    expect(mail.every((m) => m.subject.startsWith('[TEST] '))).toBe(true);
    expect(mail.every((m) => m.destination.to.join() === 'tester@example.com')).toBe(true);
    expect(await reads().countLeads()).toBe(leadsBefore);
    expect((await reads().listLeads({ limit: 10 })).leads).toEqual([]);
  });
});
