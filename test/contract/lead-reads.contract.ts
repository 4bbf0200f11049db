import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../functions/core/errors.ts';
import { leadUpsert } from '../../functions/domain/enroll.ts';
import { leadIdFor } from '../../functions/domain/lead.ts';
import type { EnrollmentRecord, LeadStore, RepTask, TouchRecord } from '../../functions/domain/ports.ts';
import type { LeadReads } from '../../functions/domain/reads.ts';

/*
 * What every LeadReads answers about what its LeadStore wrote: pages newest first with a cursor, search by email or
 * company, a lead's timeline, the reps' tasks and the enrollments that cannot start. Run against each implementation
 * (lead-store.test.ts), so the dashboard reads the same whichever store is behind it.
 */

export interface ReadsUnderTest {
  readonly store: LeadStore;
  readonly reads: LeadReads;
}

const START = Date.parse('2026-10-20T09:00:00.000Z');
/** The n-th lead's signup: twelve hours apart, so 120 of them span three months. */
const createdAt = (n: number) => new Date(START + n * 12 * 3_600_000).toISOString();
const emailOf = (n: number) => `lead${String(n).padStart(3, '0')}@example.com`;

async function signUp(store: LeadStore, n: number, company?: string): Promise<string> {
  const email = emailOf(n);
  await store.upsertLead(
    leadUpsert(leadIdFor(email), { email, ...(company ? { company } : {}) }, createdAt(n)),
  );
  return email;
}

async function everyPage(reads: LeadReads, query: { limit: number; search?: string }) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await reads.listLeads({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.leads.map((lead) => lead.email));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 10);
  return pages;
}

export function leadReadsContract(name: string, make: () => Promise<ReadsUnderTest>): void {
  describe(`${name}: the LeadReads contract`, () => {
    let store: LeadStore;
    let reads: LeadReads;

    beforeEach(async () => {
      ({ store, reads } = await make());
    });

    it('pages 120 leads newest first, 50 at a time: 50, 50 and the last 20, with no next page after it', async () => {
      // Prepare
      for (let n = 0; n < 120; n++) await signUp(store, n);

      // Act
      const pages = await everyPage(reads, { limit: 50 });

      // Assess
      expect(pages.map((page) => page.length)).toEqual([50, 50, 20]);
      expect(pages.flat()).toEqual(Array.from({ length: 120 }, (_, i) => emailOf(119 - i)));
      expect(await reads.countLeads()).toBe(120);
    });

    it('finds leads whose email or company contains the search, in any case, and pages the matches', async () => {
      // Prepare: every fifth lead is at Northwind
      for (let n = 0; n < 40; n++) await signUp(store, n, n % 5 === 0 ? 'Northwind Traders' : 'Acme');

      // Act
      const byCompany = await everyPage(reads, { limit: 3, search: '  northWIND ' });
      const byEmail = await reads.listLeads({ limit: 50, search: 'LEAD03' });

      // Assess
      expect(byCompany).toEqual([
        [emailOf(35), emailOf(30), emailOf(25)],
        [emailOf(20), emailOf(15), emailOf(10)],
        [emailOf(5), emailOf(0)],
      ]);
      expect(byEmail.leads.map((lead) => lead.email)).toEqual(
        [39, 38, 37, 36, 35, 34, 33, 32, 31, 30].map(emailOf),
      );
      expect(byEmail.nextCursor).toBeUndefined();
    });

    it('refuses a cursor it did not make with a UserError, and takes one from another search as a position', async () => {
      // Prepare
      for (let n = 0; n < 6; n++) await signUp(store, n, n < 3 ? 'Northwind' : 'Acme');
      const { nextCursor } = await reads.listLeads({ limit: 2, search: 'acme' });

      const forged = Buffer.from(JSON.stringify(['2026-11', 'LEAD#x'])).toString('base64url');

      // Act
      const elsewhere = await reads.listLeads({ limit: 5, cursor: nextCursor as string });

      // Assess
      await expect(reads.listLeads({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(UserError);
      await expect(reads.listLeads({ limit: 2, cursor: forged })).rejects.toBeInstanceOf(UserError);
      expect(elsewhere.leads.map((lead) => lead.email)).toEqual([3, 2, 1, 0].map(emailOf));
    });

    it('has no leads and no next page on an empty store', async () => {
      // Act
      const page = await reads.listLeads({ limit: 50 });

      // Assess
      expect(page).toEqual({ leads: [] });
      expect(await reads.countLeads()).toBe(0);
    });

    it("gives a lead's timeline: the lead, enrollments, touches, tasks and events, each oldest first", async () => {
      // Prepare
      const email = await signUp(store, 1, 'Acme');
      const leadId = leadIdFor(email);
      const enrollment = (id: string, enrolledAt: string): EnrollmentRecord => ({
        leadId,
        enrollmentId: id,
        cadenceId: 'web-inquiry',
        enrolledAt,
        inputJson: '{}',
        status: 'started',
        source: 'intake',
        createdAt: enrolledAt,
      });
      await store.putEnrollment(enrollment('e-2', createdAt(3)));
      await store.putEnrollment(enrollment('e-1', createdAt(2)));
      const touch = (stepIndex: number, at: string): TouchRecord => ({
        leadId,
        enrollmentId: 'e-1',
        stepIndex,
        cadenceId: 'web-inquiry',
        stepId: `step-${stepIndex}`,
        channel: 'email',
        template: 'hello',
        scheduledAt: at,
        status: 'sent',
        at,
      });
      await store.claimTouch(touch(1, createdAt(5)));
      await store.claimTouch(touch(0, createdAt(4)));
      await store.putTask(task(leadId, 2, createdAt(6)));
      await store.recordEvent(leadId, {
        at: createdAt(7),
        kind: 'status',
        source: 'ses',
        from: 'active',
        to: 'replied',
      });
      await store.recordEvent(leadId, { at: createdAt(2), kind: 'enrolled', source: 'intake' });

      // Act
      const timeline = await reads.leadTimeline(leadId);

      // Assess
      expect(timeline?.lead).toMatchObject({ leadId, email, company: 'Acme' });
      expect(timeline?.enrollments.map((e) => e.enrollmentId)).toEqual(['e-1', 'e-2']);
      expect(timeline?.touches.map((t) => t.stepId)).toEqual(['step-0', 'step-1']);
      expect(timeline?.tasks).toEqual([{ ...task(leadId, 2, createdAt(6)), status: 'open' }]);
      expect(timeline?.events.map((e) => e.kind)).toEqual(['enrolled', 'status']);
      expect(await reads.leadTimeline(leadIdFor('nobody@example.com'))).toBeUndefined();
    });

    it('lists every open task soonest due first, across leads', async () => {
      // Prepare
      const a = leadIdFor(await signUp(store, 1));
      const b = leadIdFor(await signUp(store, 2));
      await store.putTask(task(a, 2, createdAt(9)));
      await store.putTask(task(b, 3, createdAt(8)));
      await store.putTask(task(b, 3, createdAt(8)));

      // Act
      const tasks = await reads.openTasks();

      // Assess
      expect(tasks.map((t) => [t.leadId, t.dueAt, t.status])).toEqual([
        [b, createdAt(8), 'open'],
        [a, createdAt(9), 'open'],
      ]);
    });

    it('takes a task marked done off the open list and shows it done on its lead', async () => {
      // Prepare: two calls due; the rep marks the first one done (its task email's "Done" link)
      const leadId = leadIdFor(await signUp(store, 1));
      await store.putTask(task(leadId, 1, createdAt(5)));
      await store.putTask(task(leadId, 2, createdAt(6)));

      // Act
      await store.closeTask({ leadId, enrollmentId: 'e-1', stepIndex: 1 }, createdAt(7));
      await store.closeTask({ leadId, enrollmentId: 'e-1', stepIndex: 1 }, createdAt(8));
      const open = await reads.openTasks();
      const timeline = await reads.leadTimeline(leadId);

      // Assess: closing twice is closing once
      expect(open.map((t) => t.stepIndex)).toEqual([2]);
      expect(timeline?.tasks.map((t) => [t.stepIndex, t.status])).toEqual([
        [1, 'done'],
        [2, 'open'],
      ]);
    });

    it('lists the enrollments whose start failed or was given up, not those started or starting', async () => {
      // Prepare
      const leadId = leadIdFor(await signUp(store, 1));
      const pending = (enrollmentId: string, n: number): EnrollmentRecord => ({
        leadId,
        enrollmentId,
        cadenceId: 'web-inquiry',
        enrolledAt: createdAt(n),
        inputJson: '{}',
        status: 'pending',
        source: 'intake',
        createdAt: createdAt(n),
      });
      for (const [id, n] of [
        ['retrying', 1],
        ['stuck', 2],
        ['starting', 3],
        ['started', 4],
      ] as const) {
        await store.scheduleStartRetry({
          leadId,
          enrollmentId: id,
          cadenceId: 'web-inquiry',
          dueAt: createdAt(n),
        });
        await store.putEnrollment(pending(id, n));
      }
      await store.markStartFailed(leadId, 'retrying', {
        at: createdAt(5),
        attempts: 1,
        reason: 'ThrottlingException',
        retryAt: createdAt(6),
      });
      await store.markStartFailed(leadId, 'stuck', { at: createdAt(5), attempts: 8, reason: 'AccessDenied' });
      await store.clearStartRetry({
        leadId,
        enrollmentId: 'stuck',
        cadenceId: 'web-inquiry',
        dueAt: createdAt(2),
      });
      await store.markEnrollmentStarted(leadId, 'started', createdAt(5));
      await store.clearStartRetry({
        leadId,
        enrollmentId: 'started',
        cadenceId: 'web-inquiry',
        dueAt: createdAt(4),
      });

      // Act
      const unstarted = await reads.unstartedEnrollments();

      // Assess
      expect(unstarted.map((e) => [e.enrollmentId, e.status, e.startAttempts, e.reason])).toEqual([
        ['retrying', 'pending', 1, 'ThrottlingException'],
        ['stuck', 'stuck', 8, 'AccessDenied'],
      ]);
    });
  });
}

function task(leadId: string, stepIndex: number, dueAt: string): RepTask {
  return {
    leadId,
    enrollmentId: 'e-1',
    stepIndex,
    cadenceId: 'web-inquiry',
    stepId: 'call',
    channel: 'call',
    owner: 'rep@example.com',
    title: 'Call',
    script: 'Ask about the proposal.',
    dueAt,
    createdAt: dueAt,
  };
}
