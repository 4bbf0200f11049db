import { beforeEach, describe, expect, it } from 'vitest';
import { leadUpsert } from '../../functions/domain/enroll.ts';
import { type LeadProfile, leadIdFor, suppressionKey } from '../../functions/domain/lead.ts';
import type {
  ActivePointer,
  ClaimMarker,
  EnrollmentRecord,
  LeadEvent,
  LeadStore,
  RepTask,
  SignalMarker,
  TouchKey,
  TouchRecord,
} from '../../functions/domain/ports.ts';

/*
 * What every LeadStore does, whatever holds the data: the behaviour the domain relies on, conditional paths
 * included. Run against each implementation (lead-store.test.ts), so the in-memory double most tests use is proven
 * to behave as the DynamoDB store Lambda uses, and a new implementation has a bar to pass.
 */

/** A store to test, with a view of what the port writes but never reads back. */
export interface StoreUnderTest {
  readonly store: LeadStore;
  /** The tasks put for the lead, in any order. */
  tasksOf(leadId: string): Promise<RepTask[]>;
  /** The events recorded for the lead, oldest first. */
  eventsOf(leadId: string): Promise<LeadEvent[]>;
}

const AT = '2026-03-04T15:30:00.000Z';
/** `AT` plus `minutes`, spelled as toISOString does. */
const at = (minutes: number) => new Date(Date.parse(AT) + minutes * 60_000).toISOString();

const EMAIL = 'jordan@example.com';
const LEAD_ID = leadIdFor(EMAIL);
const OTHER_ID = leadIdFor('sam@example.com');
const ENROLLMENT = `web-inquiry-${LEAD_ID}-0123456789abcdef`;
const CONSENT = { at: AT, source: 'https://example.com/form', wording: 'Yes, text me.' };

const touch = (overrides: Partial<TouchRecord> = {}): TouchRecord => ({
  leadId: LEAD_ID,
  enrollmentId: ENROLLMENT,
  stepIndex: 0,
  cadenceId: 'web-inquiry',
  stepId: 'hello',
  channel: 'email',
  template: 'hello',
  scheduledAt: AT,
  status: 'claimed',
  at: AT,
  claimedAt: AT,
  ...overrides,
});
const keyOf = ({ leadId, enrollmentId, stepIndex }: TouchKey): TouchKey => ({
  leadId,
  enrollmentId,
  stepIndex,
});
const markerOf = (record: TouchRecord): ClaimMarker => ({
  ...keyOf(record),
  claimedAt: record.claimedAt ?? record.at,
});

const pointer = (overrides: Partial<ActivePointer> = {}): ActivePointer => ({
  leadId: LEAD_ID,
  cadenceId: 'web-inquiry',
  enrollmentId: ENROLLMENT,
  inputJson: '{"leadId":"x"}',
  createdAt: AT,
  endsAt: at(60 * 24 * 14),
  ...overrides,
});

const enrollment = (overrides: Partial<EnrollmentRecord> = {}): EnrollmentRecord => ({
  leadId: LEAD_ID,
  enrollmentId: ENROLLMENT,
  cadenceId: 'web-inquiry',
  enrolledAt: AT,
  inputJson: '{"leadId":"x"}',
  status: 'pending',
  source: 'intake',
  createdAt: AT,
  ...overrides,
});

const task = (overrides: Partial<RepTask> = {}): RepTask => ({
  leadId: LEAD_ID,
  enrollmentId: ENROLLMENT,
  stepIndex: 2,
  cadenceId: 'web-inquiry',
  stepId: 'call',
  channel: 'call',
  owner: 'rep@example.com',
  title: 'Call Jordan',
  script: 'Ask about the proposal.',
  dueAt: at(60),
  createdAt: AT,
  ...overrides,
});

const signal = (overrides: Partial<SignalMarker> = {}): SignalMarker => ({
  leadId: LEAD_ID,
  signalId: 'ses-0001',
  type: 'reply',
  source: 'ses',
  claimedAt: AT,
  ...overrides,
});

export function leadStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name}: the LeadStore contract`, () => {
    let subject: StoreUnderTest;
    let store: LeadStore;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });

    const signUp = (profile: Partial<LeadProfile> = {}, when = AT) =>
      store.upsertLead(leadUpsert(leadIdFor(profile.email ?? EMAIL), { email: EMAIL, ...profile }, when));

    describe('leads', () => {
      it('creates a lead on the first upsert and updates it on the next', async () => {
        // Act
        const first = await signUp({ name: 'Jordan' });
        const second = await signUp({ name: 'Jordan' }, at(5));

        // Assess
        expect(first).toMatchObject({
          created: true,
          lead: { leadId: LEAD_ID, status: 'active', name: 'Jordan' },
        });
        expect(second.created).toBe(false);
        expect(await store.getLead(LEAD_ID)).toEqual(second.lead);
        expect(second.lead).toMatchObject({
          createdAt: AT,
          updatedAt: at(5),
          touchCount: 0,
          sendsVersion: 0,
        });
      });

      it('fills only the gaps of an existing lead and replaces its zone, cart and consent', async () => {
        // Prepare
        await signUp({ company: 'Northwind', zone: 'America/Chicago', phone: '+15550000001' });
        const cart = { url: 'https://shop.example.com/c/1', items: [], total: 10, currency: 'USD' };

        // Act
        const { lead } = await signUp(
          {
            name: 'Jordan',
            company: 'Contoso',
            zone: 'Europe/Paris',
            cart,
            phone: '+15550000002',
            smsConsent: CONSENT,
          },
          at(5),
        );

        // Assess: first-touch facts stay, the lead's latest word wins, consent moves with its number
        expect(lead).toMatchObject({
          name: 'Jordan',
          company: 'Northwind',
          zone: 'Europe/Paris',
          cart,
          phone: '+15550000002',
          smsConsent: CONSENT,
          updatedAt: at(5),
        });
        expect(await store.getLead(LEAD_ID)).toEqual(lead);
      });

      it('keeps a stored phone when a later signup without consent brings another', async () => {
        // Prepare
        await signUp({ phone: '+15550000001' });

        // Act
        const { lead } = await signUp({ phone: '+15550000002' }, at(5));

        // Assess
        expect(lead.phone).toBe('+15550000001');
      });

      it('links the phone of an upserted lead, and the new phone a consent brings', async () => {
        // Act
        await signUp({ phone: '+15550000001' });
        await signUp({ phone: '+15550000002', smsConsent: CONSENT }, at(5));

        // Assess
        expect(await store.findLeadId('phone', '+15550000001')).toBe(LEAD_ID);
        expect(await store.findLeadId('phone', '+15550000002')).toBe(LEAD_ID);
      });

      it('has no lead it was never given', async () => {
        expect(await store.getLead(LEAD_ID)).toBeUndefined();
      });

      it('changes the status only from the expected one, with its facts, its event and a new sends version', async () => {
        // Prepare
        await signUp();
        const event: LeadEvent = { at: at(1), kind: 'status', source: 'ses', from: 'active', to: 'won' };

        // Act
        const changed = await store.changeStatus(LEAD_ID, 'active', 'won', event, {
          dealValue: 120,
          dealCurrency: 'USD',
          wonAt: at(1),
        });
        const again = await store.changeStatus(LEAD_ID, 'active', 'lost', {
          ...event,
          at: at(2),
          to: 'lost',
        });

        // Assess
        expect([changed, again]).toEqual([true, false]);
        expect(await store.getLead(LEAD_ID)).toMatchObject({
          status: 'won',
          statusChangedAt: at(1),
          updatedAt: at(1),
          dealValue: 120,
          dealCurrency: 'USD',
          wonAt: at(1),
          sendsVersion: 1,
        });
        expect(await subject.eventsOf(LEAD_ID)).toEqual([event]);
      });

      it('does not change the status of a lead that does not exist, nor create one', async () => {
        // Act
        const changed = await store.changeStatus(LEAD_ID, 'active', 'replied', {
          at: AT,
          kind: 'status',
          source: 'ses',
        });

        // Assess
        expect(changed).toBe(false);
        expect(await store.getLead(LEAD_ID)).toBeUndefined();
        expect(await subject.eventsOf(LEAD_ID)).toEqual([]);
      });

      it('leaves a stored fact alone when a status change passes it as undefined', async () => {
        // Prepare
        await signUp();
        await store.updateLead(LEAD_ID, { nextTouchAt: at(60) });

        // Act
        await store.changeStatus(
          LEAD_ID,
          'active',
          'snoozed',
          { at: at(1), kind: 'status', source: 'rep' },
          { snoozedUntil: at(120), nextTouchAt: undefined },
        );

        // Assess
        expect(await store.getLead(LEAD_ID)).toMatchObject({ snoozedUntil: at(120), nextTouchAt: at(60) });
      });

      it('sets and removes facts of an existing lead without touching its status', async () => {
        // Prepare
        await signUp();
        await store.updateLead(LEAD_ID, { snoozedUntil: at(60), nextTouchAt: at(30) });

        // Act
        const updated = await store.updateLead(LEAD_ID, { smsOptedOutAt: at(1) }, ['snoozedUntil']);

        // Assess
        expect(updated).toBe(true);
        const lead = await store.getLead(LEAD_ID);
        expect(lead).toMatchObject({ status: 'active', smsOptedOutAt: at(1), nextTouchAt: at(30) });
        expect(lead).not.toHaveProperty('snoozedUntil');
      });

      it('sets a fact it is also asked to remove, and keeps one passed as undefined', async () => {
        // Prepare
        await signUp();
        await store.updateLead(LEAD_ID, { snoozedUntil: at(60), nextTouchAt: at(30) });

        // Act
        await store.updateLead(LEAD_ID, { snoozedUntil: at(90), nextTouchAt: undefined }, [
          'snoozedUntil',
          'nextTouchAt',
        ]);

        // Assess
        expect(await store.getLead(LEAD_ID)).toMatchObject({ snoozedUntil: at(90), nextTouchAt: at(30) });
      });

      it('updates no lead that does not exist; an empty update says whether it does', async () => {
        // Act
        const missing = await store.updateLead(LEAD_ID, { nextTouchAt: AT });
        const emptyMissing = await store.updateLead(LEAD_ID, {});
        await signUp();
        const emptyExisting = await store.updateLead(LEAD_ID, {});

        // Assess
        expect([missing, emptyMissing, emptyExisting]).toEqual([false, false, true]);
      });

      it('records events per lead', async () => {
        // Prepare
        const created: LeadEvent = { at: AT, kind: 'created', source: 'intake', to: 'active' };
        const enrolled: LeadEvent = {
          at: at(1),
          kind: 'enrolled',
          source: 'intake',
          detail: { cadenceId: 'web-inquiry', first: true, step: 0 },
        };

        // Act
        await store.recordEvent(LEAD_ID, created);
        await store.recordEvent(LEAD_ID, enrolled);
        await store.recordEvent(OTHER_ID, created);

        // Assess
        expect(await subject.eventsOf(LEAD_ID)).toEqual([created, enrolled]);
      });

      it('keeps two events of one kind at one instant, and one event written twice once', async () => {
        // Prepare
        const snoozed: LeadEvent = {
          at: AT,
          kind: 'status',
          source: 'outcome',
          from: 'active',
          to: 'snoozed',
        };
        const woken: LeadEvent = { at: AT, kind: 'status', source: 'enroll', from: 'snoozed', to: 'active' };

        // Act
        await store.recordEvent(LEAD_ID, snoozed);
        await store.recordEvent(LEAD_ID, woken);
        await store.recordEvent(LEAD_ID, woken);

        // Assess
        const events = await subject.eventsOf(LEAD_ID);
        expect(events).toHaveLength(2);
        expect(events).toEqual(expect.arrayContaining([snoozed, woken]));
      });
    });

    describe('the next touch', () => {
      it('is set when the lead has none, moved earlier, and replaced when past', async () => {
        // Prepare
        await signUp();

        // Act
        await store.setNextTouch(LEAD_ID, at(60), AT);
        const first = (await store.getLead(LEAD_ID))?.nextTouchAt;
        await store.setNextTouch(LEAD_ID, at(120), AT);
        const later = (await store.getLead(LEAD_ID))?.nextTouchAt;
        await store.setNextTouch(LEAD_ID, at(30), AT);
        const earlier = (await store.getLead(LEAD_ID))?.nextTouchAt;
        await store.setNextTouch(LEAD_ID, at(200), at(31));
        const afterPast = (await store.getLead(LEAD_ID))?.nextTouchAt;

        // Assess
        expect([first, later, earlier, afterPast]).toEqual([at(60), at(60), at(30), at(200)]);
      });

      it('is stored in one spelling per instant, so instants written in other zones compare as instants', async () => {
        // Prepare
        await signUp();

        // Act: 16:00 UTC written in Chicago's zone, then 15:30 UTC written in UTC: the second is earlier
        await store.setNextTouch(LEAD_ID, '2026-03-05T10:00:00-06:00', AT);
        const first = (await store.getLead(LEAD_ID))?.nextTouchAt;
        await store.setNextTouch(LEAD_ID, '2026-03-05T15:30:00Z', AT);

        // Assess
        expect(first).toBe('2026-03-05T16:00:00.000Z');
        expect((await store.getLead(LEAD_ID))?.nextTouchAt).toBe('2026-03-05T15:30:00.000Z');
      });

      it('creates no lead', async () => {
        // Act
        await store.setNextTouch(LEAD_ID, at(60), AT);

        // Assess
        expect(await store.getLead(LEAD_ID)).toBeUndefined();
      });
    });

    describe('suppression', () => {
      const email = suppressionKey(EMAIL);
      const phone = suppressionKey('+15550000001');

      it('suppresses each key and finds any of them', async () => {
        // Act
        const before = await store.isSuppressed([email, phone]);
        await store.suppress([phone], { reason: 'sms-stop', source: 'sns', at: AT, leadId: LEAD_ID });

        // Assess
        expect(before).toBe(false);
        expect(await store.isSuppressed([email, phone])).toBe(true);
        expect(await store.isSuppressed([email])).toBe(false);
        expect(await store.isSuppressed([])).toBe(false);
      });

      it('takes a key off only for the reason it was put there, and the first reason stays', async () => {
        // Prepare: a STOP, then an unsubscribe of the same number
        await store.suppress([phone], { reason: 'sms-stop', source: 'sns', at: AT });
        await store.suppress([phone], { reason: 'unsubscribe', source: 'web', at: at(1) });

        // Act
        const wrongReason = await store.unsuppress(phone, 'unsubscribe');
        const stillThere = await store.isSuppressed([phone]);
        const undone = await store.unsuppress(phone, 'sms-stop');

        // Assess
        expect([wrongReason, stillThere, undone]).toEqual([false, true, true]);
        expect(await store.isSuppressed([phone])).toBe(false);
        expect(await store.unsuppress(phone, 'sms-stop')).toBe(false);
      });
    });

    describe('lookups', () => {
      it('points a phone or a cart at a lead; the latest link wins; the value is trimmed', async () => {
        // Act
        await store.linkLead('phone', '+15550000001', OTHER_ID);
        await store.linkLead('phone', ' +15550000001 ', LEAD_ID);
        await store.linkLead('cart', 'cart-42', OTHER_ID);

        // Assess
        expect(await store.findLeadId('phone', '+15550000001')).toBe(LEAD_ID);
        expect(await store.findLeadId('cart', 'cart-42 ')).toBe(OTHER_ID);
        expect(await store.findLeadId('cart', '+15550000001')).toBeUndefined();
        expect(await store.findLeadId('phone', '+15550000009')).toBeUndefined();
      });
    });

    describe('the active slot of a lead in a cadence', () => {
      const other = pointer({ enrollmentId: `web-inquiry-${LEAD_ID}-fedcba9876543210`, createdAt: at(1) });

      it('is taken when free; a second claim gets the holder and changes nothing', async () => {
        // Act
        const first = await store.claimActive(pointer());
        const second = await store.claimActive(other);

        // Assess
        expect(first).toBeUndefined();
        expect(second).toEqual(pointer());
        expect(await store.listActive(LEAD_ID)).toEqual([pointer()]);
      });

      it('is handed over only by replacing the named holder', async () => {
        // Prepare
        await store.claimActive(pointer());
        const third = pointer({ enrollmentId: `web-inquiry-${LEAD_ID}-0000000000000003` });

        // Act
        const wrongName = await store.claimActive(third, other.enrollmentId);
        const replaced = await store.claimActive(other, ENROLLMENT);

        // Assess
        expect(wrongName).toEqual(pointer());
        expect(replaced).toBeUndefined();
        expect(await store.listActive(LEAD_ID)).toEqual([other]);
      });

      it('is taken by a replacing claim when the holder has already freed it', async () => {
        // Act
        const holder = await store.claimActive(other, ENROLLMENT);

        // Assess
        expect(holder).toBeUndefined();
        expect(await store.listActive(LEAD_ID)).toEqual([other]);
      });

      it('is freed only by its own enrollment', async () => {
        // Prepare
        await store.claimActive(pointer());

        // Act
        const byOther = await store.releaseActive(LEAD_ID, 'web-inquiry', other.enrollmentId);
        const otherCadence = await store.releaseActive(LEAD_ID, 'cart', ENROLLMENT);
        const own = await store.releaseActive(LEAD_ID, 'web-inquiry', ENROLLMENT);
        const twice = await store.releaseActive(LEAD_ID, 'web-inquiry', ENROLLMENT);

        // Assess
        expect([byOther, otherCadence, own, twice]).toEqual([false, false, true, false]);
        expect(await store.listActive(LEAD_ID)).toEqual([]);
      });

      it('is one per cadence, listed per lead', async () => {
        // Prepare
        const cart = pointer({ cadenceId: 'cart', enrollmentId: `cart-${LEAD_ID}-0123456789abcdef` });
        const elsewhere = pointer({
          leadId: OTHER_ID,
          enrollmentId: `web-inquiry-${OTHER_ID}-0123456789abcdef`,
        });

        // Act
        await store.claimActive(pointer());
        await store.claimActive(cart);
        await store.claimActive(elsewhere);

        // Assess
        const listed = await store.listActive(LEAD_ID);
        expect(listed).toHaveLength(2);
        expect(listed).toEqual(expect.arrayContaining([pointer(), cart]));
        expect(await store.listActive(OTHER_ID)).toEqual([elsewhere]);
      });
    });

    describe('enrollments', () => {
      it('are stored once and read back by lead and id', async () => {
        // Act
        await store.putEnrollment(enrollment());

        // Assess
        expect(await store.getEnrollment(LEAD_ID, ENROLLMENT)).toEqual(enrollment());
        expect(await store.getEnrollment(OTHER_ID, ENROLLMENT)).toBeUndefined();
        expect(await store.getEnrollment(LEAD_ID, 'web-inquiry-unknown')).toBeUndefined();
      });

      it('are marked started only when they exist: marking creates none', async () => {
        // Act
        await store.markEnrollmentStarted(LEAD_ID, ENROLLMENT, at(1), 'arn:aws:states:execution:x');

        // Assess
        expect(await store.getEnrollment(LEAD_ID, ENROLLMENT)).toBeUndefined();
      });

      it('go from pending to started and never back', async () => {
        // Prepare
        await store.putEnrollment(enrollment());

        // Act
        await store.markEnrollmentStarted(LEAD_ID, ENROLLMENT, at(1), 'arn:aws:states:execution:x');
        await store.putEnrollment(enrollment({ createdAt: at(2) }));
        const failed = await store.markStartFailed(LEAD_ID, ENROLLMENT, {
          at: at(3),
          attempts: 1,
          reason: 'x',
        });
        const cancelled = await store.cancelEnrollment(LEAD_ID, ENROLLMENT, 'unsubscribed', at(3));

        // Assess
        expect([failed, cancelled]).toEqual([false, false]);
        expect(await store.getEnrollment(LEAD_ID, ENROLLMENT)).toEqual(
          enrollment({ status: 'started', startedAt: at(1), executionArn: 'arn:aws:states:execution:x' }),
        );
      });

      it('record a failed start with its next try, and become stuck when there is none', async () => {
        // Prepare
        await store.putEnrollment(enrollment());

        // Act
        const retried = await store.markStartFailed(LEAD_ID, ENROLLMENT, {
          at: at(1),
          attempts: 1,
          reason: 'ThrottlingException',
          retryAt: at(5),
        });
        const retrying = await store.getEnrollment(LEAD_ID, ENROLLMENT);
        const gaveUp = await store.markStartFailed(LEAD_ID, ENROLLMENT, {
          at: at(5),
          attempts: 2,
          reason: 'AccessDenied',
        });

        // Assess
        expect([retried, gaveUp]).toEqual([true, true]);
        expect(retrying).toEqual(
          enrollment({ startAttempts: 1, reason: 'ThrottlingException', retryAt: at(5) }),
        );
        expect(await store.getEnrollment(LEAD_ID, ENROLLMENT)).toEqual(
          enrollment({ status: 'stuck', startAttempts: 2, reason: 'AccessDenied', endedAt: at(5) }),
        );
      });

      it('are cancelled only while pending, and lose their next try', async () => {
        // Prepare
        await store.putEnrollment(enrollment({ startAttempts: 1, reason: 'Throttling', retryAt: at(5) }));

        // Act
        const cancelled = await store.cancelEnrollment(LEAD_ID, ENROLLMENT, 'unsubscribed', at(2));
        const again = await store.cancelEnrollment(LEAD_ID, ENROLLMENT, 'bounced', at(3));
        const missing = await store.cancelEnrollment(LEAD_ID, 'web-inquiry-unknown', 'bounced', at(3));

        // Assess
        expect([cancelled, again, missing]).toEqual([true, false, false]);
        expect(await store.getEnrollment(LEAD_ID, ENROLLMENT)).toEqual(
          enrollment({ status: 'cancelled', startAttempts: 1, reason: 'unsubscribed', endedAt: at(2) }),
        );
      });
    });

    describe('start retries', () => {
      const retry = (dueAt: string, enrollmentId = ENROLLMENT) => ({
        leadId: LEAD_ID,
        enrollmentId,
        cadenceId: 'web-inquiry',
        dueAt,
      });

      it('are due by time, earliest first, at most the limit, whatever the spelling of the instant', async () => {
        // Prepare: due at 15:40, 15:35 (spelled in Chicago time), and one in the future
        await store.scheduleStartRetry(retry(at(10), 'e-1'));
        await store.scheduleStartRetry(retry('2026-03-04T09:35:00-06:00', 'e-2'));
        await store.scheduleStartRetry(retry(at(60), 'e-3'));

        // Act
        const due = await store.dueStartRetries(at(10), 10);
        const first = await store.dueStartRetries(at(10), 1);

        // Assess
        expect(due).toEqual([retry(at(5), 'e-2'), retry(at(10), 'e-1')]);
        expect(first).toEqual([retry(at(5), 'e-2')]);
      });

      it('keep the first marker of a key, and are cleared by it', async () => {
        // Prepare
        await store.scheduleStartRetry(retry(at(5)));
        await store.scheduleStartRetry({ ...retry(at(5)), cadenceId: 'cart' });

        // Act
        const before = await store.dueStartRetries(at(5), 10);
        await store.clearStartRetry(retry('2026-03-04T09:35:00-06:00'));

        // Assess
        expect(before).toEqual([retry(at(5))]);
        expect(await store.dueStartRetries(at(60), 10)).toEqual([]);
      });
    });

    describe('touches', () => {
      it('are claimed once: a second claim gets the first record', async () => {
        // Act
        const first = await store.claimTouch(touch());
        const second = await store.claimTouch(touch({ claimedAt: at(1), at: at(1) }));

        // Assess
        expect(first).toBeUndefined();
        expect(second).toEqual(touch());
        expect(await store.getTouch(keyOf(touch()))).toEqual(touch());
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([markerOf(touch())]);
      });

      it('may be claimed again after they failed, but not after they were sent or skipped', async () => {
        // Prepare
        const failed = touch({ stepIndex: 1, status: 'failed', reason: 'MessageRejected' });
        const skipped = touch({ stepIndex: 2, status: 'skipped', reason: 'frequency-cap' });
        await store.claimTouch(failed);
        await store.claimTouch(skipped);

        // Act
        const retry = await store.claimTouch(touch({ stepIndex: 1, at: at(1), claimedAt: at(1) }));
        const again = await store.claimTouch(touch({ stepIndex: 2, at: at(1), claimedAt: at(1) }));

        // Assess
        expect(retry).toBeUndefined();
        expect(again).toEqual(skipped);
        expect(await store.getTouch(keyOf(failed))).toEqual(
          touch({ stepIndex: 1, at: at(1), claimedAt: at(1) }),
        );
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([{ ...keyOf(failed), claimedAt: at(1) }]);
      });

      it('record their outcome and lose their claim marker when finished', async () => {
        // Prepare
        await store.claimTouch(touch());

        // Act
        await store.finishTouch(keyOf(touch()), { status: 'sent', at: at(1), messageId: 'ses-1' });

        // Assess
        expect(await store.getTouch(keyOf(touch()))).toEqual(
          touch({ status: 'sent', at: at(1), messageId: 'ses-1' }),
        );
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([]);
      });

      it('are finished only when claimed: finishing creates none', async () => {
        // Act
        await store.finishTouch(keyOf(touch()), { status: 'sent', at: at(1), messageId: 'ses-1' });

        // Assess
        expect(await store.getTouch(keyOf(touch()))).toBeUndefined();
      });

      it('are released only while claimed, with their marker, so a retry can claim them', async () => {
        // Prepare
        await store.claimTouch(touch());
        await store.claimTouch(touch({ stepIndex: 1, status: 'sent', claimedAt: undefined }));

        // Act
        await store.releaseTouch(keyOf(touch()));
        await store.releaseTouch(keyOf(touch({ stepIndex: 1 })));

        // Assess
        expect(await store.getTouch(keyOf(touch()))).toBeUndefined();
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([]);
        expect((await store.getTouch(keyOf(touch({ stepIndex: 1 }))))?.status).toBe('sent');
        expect(await store.claimTouch(touch({ at: at(2), claimedAt: at(2) }))).toBeUndefined();
      });

      it('list their claim markers taken up to a bound, oldest first, at most the limit', async () => {
        // Prepare
        await store.claimTouch(touch({ stepIndex: 0, claimedAt: at(10) }));
        await store.claimTouch(touch({ stepIndex: 1, claimedAt: at(5) }));
        await store.claimTouch(touch({ stepIndex: 2, claimedAt: at(30) }));

        // Act
        const old = await store.claimMarkersBefore(at(10), 10);
        const oldest = await store.claimMarkersBefore(at(10), 1);

        // Assess
        const marker = (stepIndex: number, claimedAt: string) => ({
          ...keyOf(touch({ stepIndex })),
          claimedAt,
        });
        expect(old).toEqual([marker(1, at(5)), marker(0, at(10))]);
        expect(oldest).toEqual([marker(1, at(5))]);
      });

      it('list the claim markers of one instant in touch order', async () => {
        // Prepare: step 10 sorts before step 2 if the step is compared as text
        await store.claimTouch(touch({ stepIndex: 10 }));
        await store.claimTouch(touch({ stepIndex: 2 }));

        // Act
        const first = await store.claimMarkersBefore(AT, 1);

        // Assess
        expect(first).toEqual([markerOf(touch({ stepIndex: 2 }))]);
      });

      it('keep the touch when only the claim marker is cleared', async () => {
        // Prepare
        await store.claimTouch(touch());

        // Act
        await store.clearClaimMarker(markerOf(touch()));

        // Assess
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([]);
        expect(await store.getTouch(keyOf(touch()))).toEqual(touch());
      });
    });

    describe('unconfirmed touches', () => {
      it('are marked only from the claim the marker names, then listed and unmarked', async () => {
        // Prepare
        await store.claimTouch(touch());
        await store.claimTouch(touch({ stepIndex: 1 }));
        await store.finishTouch(keyOf(touch({ stepIndex: 1 })), { status: 'sent', at: at(1) });

        // Act
        const otherClaim = await store.markTouchUnconfirmed(
          { ...markerOf(touch()), claimedAt: at(1) },
          'x',
          at(9),
        );
        const finished = await store.markTouchUnconfirmed(markerOf(touch({ stepIndex: 1 })), 'x', at(9));
        const marked = await store.markTouchUnconfirmed(markerOf(touch()), 'claim-expired', at(10));

        // Assess
        expect([otherClaim, finished, marked]).toEqual([false, false, true]);
        const unconfirmed = touch({ status: 'unconfirmed', reason: 'claim-expired', unconfirmedAt: at(10) });
        expect(await store.getTouch(keyOf(touch()))).toEqual(unconfirmed);
        expect(await store.unconfirmedTouches(10)).toEqual([unconfirmed]);
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([]);
        expect(await store.claimTouch(touch({ at: at(11), claimedAt: at(11) }))).toEqual(unconfirmed);
      });

      it('are marked from a claim recorded before claimedAt existed, by its time', async () => {
        // Prepare
        await store.claimTouch(touch({ claimedAt: undefined }));

        // Act
        const marked = await store.markTouchUnconfirmed(
          markerOf(touch({ claimedAt: undefined })),
          'x',
          at(10),
        );

        // Assess
        expect(marked).toBe(true);
        expect((await store.getTouch(keyOf(touch())))?.status).toBe('unconfirmed');
      });

      it('are listed at most up to the limit, and only while they still are unconfirmed', async () => {
        // Prepare
        for (const stepIndex of [0, 1, 2]) {
          await store.claimTouch(touch({ stepIndex }));
          await store.markTouchUnconfirmed(markerOf(touch({ stepIndex })), 'claim-expired', at(10));
        }

        // Act
        const two = await store.unconfirmedTouches(2);
        await store.reclaimUnconfirmed(keyOf(touch({ stepIndex: 1 })), 'rep@example.com', at(20));
        await store.clearUnconfirmed(keyOf(touch({ stepIndex: 2 })));
        const left = await store.unconfirmedTouches(10);

        // Assess
        expect(two).toHaveLength(2);
        expect(left.map((t) => t.stepIndex)).toEqual([0]);
        // An entry whose touch moved on does not use up the limit.
        expect((await store.unconfirmedTouches(1)).map((t) => t.stepIndex)).toEqual([0]);
        expect((await store.getTouch(keyOf(touch({ stepIndex: 2 }))))?.status).toBe('unconfirmed');
      });

      it('are taken back once for a redrive, with a new claim marker and who redrove them', async () => {
        // Prepare
        await store.claimTouch(touch());
        await store.markTouchUnconfirmed(markerOf(touch()), 'claim-expired', at(10));

        // Act
        const taken = await store.reclaimUnconfirmed(keyOf(touch()), 'rep@example.com', at(20));
        const again = await store.reclaimUnconfirmed(keyOf(touch()), 'rep@example.com', at(21));
        const never = await store.reclaimUnconfirmed(
          keyOf(touch({ stepIndex: 5 })),
          'rep@example.com',
          at(21),
        );

        // Assess
        expect([taken, again, never]).toEqual([true, false, false]);
        expect(await store.getTouch(keyOf(touch()))).toEqual(
          touch({
            claimedAt: at(20),
            unconfirmedAt: at(10),
            redrivenBy: 'rep@example.com',
            redrivenAt: at(20),
          }),
        );
        expect(await store.claimMarkersBefore(at(60), 10)).toEqual([
          { ...keyOf(touch()), claimedAt: at(20) },
        ]);
        expect(await store.getTouch(keyOf(touch({ stepIndex: 5 })))).toBeUndefined();
      });
    });

    describe('the send reservation', () => {
      it('replaces the recent sends only at the version read', async () => {
        // Prepare
        await signUp();

        // Act
        const first = await store.reserveSends(LEAD_ID, 0, ['2026-03-04T15:30:00.000Z|a']);
        const stale = await store.reserveSends(LEAD_ID, 0, ['2026-03-04T15:31:00.000Z|b']);
        const next = await store.reserveSends(LEAD_ID, 1, ['2026-03-04T15:30:00.000Z|a', 'x|b']);

        // Assess
        expect([first, stale, next]).toEqual([true, false, true]);
        expect(await store.getLead(LEAD_ID)).toMatchObject({
          recentSends: ['2026-03-04T15:30:00.000Z|a', 'x|b'],
          sendsVersion: 2,
        });
      });

      it('fails after a status change read in between, and for a lead that does not exist', async () => {
        // Prepare
        await signUp();
        const { sendsVersion } = (await store.getLead(LEAD_ID)) ?? { sendsVersion: -1 };
        await store.changeStatus(LEAD_ID, 'active', 'replied', { at: at(1), kind: 'status', source: 'ses' });

        // Act
        const raced = await store.reserveSends(LEAD_ID, sendsVersion, ['x|a']);
        const missing = await store.reserveSends(OTHER_ID, 0, ['x|a']);

        // Assess
        expect([raced, missing]).toEqual([false, false]);
        expect(await store.getLead(OTHER_ID)).toBeUndefined();
      });
    });

    describe('contacts', () => {
      const contact = {
        at: at(1),
        channel: 'email' as const,
        template: 'hello',
        cadenceId: 'web-inquiry',
        enrollmentId: ENROLLMENT,
        nextTouchAt: at(60),
      };

      it('count the touches and texts of a lead and say which touch this was', async () => {
        // Prepare
        await signUp();

        // Act
        const first = await store.recordContact(LEAD_ID, contact);
        const second = await store.recordContact(LEAD_ID, {
          at: at(2),
          channel: 'sms',
          template: 'quick-text',
          cadenceId: 'cart',
          enrollmentId: 'cart-enrollment',
        });

        // Assess
        expect(first).toEqual({ touchCount: 1, firstContactAt: at(1) });
        expect(second).toEqual({ touchCount: 2, previousEnrollmentId: ENROLLMENT, firstContactAt: at(1) });
        expect(await store.getLead(LEAD_ID)).toMatchObject({
          touchCount: 2,
          smsCount: 1,
          lastContactAt: at(2),
          lastChannel: 'sms',
          lastTemplate: 'quick-text',
          lastCadence: 'cart',
          lastEnrollment: 'cart-enrollment',
          firstContactAt: at(1),
          updatedAt: at(2),
          nextTouchAt: at(60),
        });
      });

      it('are not recorded for a lead that does not exist', async () => {
        // Act
        const recorded = await store.recordContact(LEAD_ID, contact);

        // Assess
        expect(recorded).toBeUndefined();
        expect(await store.getLead(LEAD_ID)).toBeUndefined();
      });
    });

    describe('tasks', () => {
      it('are kept per lead, one per touch: putting it again replaces it', async () => {
        // Act
        await store.putTask(task());
        await store.putTask(task({ title: 'Call Jordan again', createdAt: at(1) }));
        await store.putTask(task({ stepIndex: 4, channel: 'task', title: 'Send the deck' }));
        await store.putTask(task({ leadId: OTHER_ID }));

        // Assess
        const tasks = await subject.tasksOf(LEAD_ID);
        expect(tasks).toHaveLength(2);
        expect(tasks).toEqual(
          expect.arrayContaining([
            task({ title: 'Call Jordan again', createdAt: at(1) }),
            task({ stepIndex: 4, channel: 'task', title: 'Send the deck' }),
          ]),
        );
      });
    });

    describe('signals', () => {
      /** Claims taken before this are stale: those of `AT` are not. */
      const STALE = at(-5);

      it('are claimed by the first delivery; a duplicate is refused', async () => {
        // Act
        const first = await store.claimSignal(signal(), STALE);
        const duplicate = await store.claimSignal(signal({ claimedAt: at(1) }), STALE);

        // Assess
        expect([first, duplicate]).toEqual([true, false]);
      });

      it('are claimed again when the earlier claim went stale, never once applied', async () => {
        // Prepare
        await store.claimSignal(signal(), AT);
        await store.claimSignal(signal({ signalId: 'ses-0002' }), AT);
        await store.finishSignal(signal({ signalId: 'ses-0002' }), at(1), 'applied');

        // Act
        const stale = await store.claimSignal(signal({ claimedAt: at(10) }), at(5));
        const applied = await store.claimSignal(signal({ signalId: 'ses-0002', claimedAt: at(10) }), at(5));

        // Assess
        expect([stale, applied]).toEqual([true, false]);
      });

      it('are released only while being applied, so a retry applies them', async () => {
        // Prepare
        await store.claimSignal(signal(), STALE);
        await store.claimSignal(signal({ signalId: 'ses-0002' }), STALE);
        await store.finishSignal(signal({ signalId: 'ses-0002' }), at(1), 'applied');

        // Act
        await store.releaseSignal(signal());
        await store.releaseSignal(signal({ signalId: 'ses-0002' }));

        // Assess
        expect(await store.claimSignal(signal({ claimedAt: at(1) }), STALE)).toBe(true);
        expect(await store.claimSignal(signal({ signalId: 'ses-0002', claimedAt: at(1) }), STALE)).toBe(
          false,
        );
      });

      it('make every later delivery a duplicate once finished, claimed or not', async () => {
        // Act
        await store.finishSignal({ signalId: 'order:1001' }, AT, 'applied');

        // Assess
        expect(await store.claimSignal(signal({ leadId: undefined, signalId: 'order:1001' }), at(60))).toBe(
          false,
        );
      });

      it('are told apart by lead: one with a lead and one without do not collide', async () => {
        // Prepare
        await store.claimSignal(signal({ leadId: undefined }), STALE);

        // Act
        const onLead = await store.claimSignal(signal(), STALE);
        const onOther = await store.claimSignal(signal({ leadId: OTHER_ID }), STALE);

        // Assess
        expect([onLead, onOther]).toEqual([true, true]);
      });
    });
  });
}
