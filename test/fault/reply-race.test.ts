import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../functions/adapters/cadence-catalog.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { SnsSmsSender } from '../../functions/adapters/sns-sms-sender.ts';
import type { LeadStore } from '../../functions/domain/ports.ts';
import type { Signal } from '../../functions/domain/signal-schema.ts';
import { applySignal } from '../../functions/domain/signals.ts';
import type { TouchEvent } from '../../functions/domain/touch-input.ts';
import { makeTouchHandler } from '../../functions/handlers/touch.ts';
import { MemoryLeadStore } from '../../local/memory/lead-store.ts';
import { storedLead, TOUCH_SETTINGS, templates } from '../support/handler-fixtures.ts';
import { CADENCES, CREDENTIALS, KEY, REGION, recordingLogger, world } from '../support/signal-fixtures.ts';

/*
 * A reply and a touch of the same lead, every way their store calls can interleave (fast-check's scheduler picks
 * the order): the touch either went out before the reply was written, or it does not go out
 * (docs/architecture.md §8.5, "no touch after an exit": signals write first, the touch reads consistently after its
 * claim). "Went out" is the touch's last send reservation: every status change bumps the lead's sendsVersion, so a
 * reply written after the touch's last read makes its conditional reservation fail, the touch re-reads, sees the
 * reply and does not send (the last test).
 */

const ses = mockClient(SESv2Client);
mockClient(SNSClient);

const NOW = new Date('2026-03-04T16:00:00Z'); // Wednesday 10:00 in Chicago
const ENROLLMENT = 'web-inquiry-ld_race-0123456789abcdef';

/** The store, with every call first waiting for the scheduler to let it run, and writes of a status journaled. */
function scheduled(store: MemoryLeadStore, s: fc.Scheduler, who: string, journal: string[]): LeadStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await s.schedule(Promise.resolve(), `${who}.${String(property)}`);
        const result = await value.apply(target, args);
        if (property === 'changeStatus' && result === true) journal.push(`status:${String(args[2])}`);
        if (property === 'getLead' && who === 'touch') journal.push('touch-read');
        return result;
      };
    },
  });
}

const EVENT = (leadId: string): TouchEvent => ({
  leadId,
  enrollmentId: ENROLLMENT,
  cadenceId: 'web-inquiry',
  stepIndex: 0,
  stepId: 'instant-reply',
  channel: 'email',
  template: 'hello',
  scheduledAt: NOW.toISOString(),
});

const REPLY = (leadId: string): Signal => ({
  v: 1,
  type: 'reply',
  id: 'email:reply-1',
  leadId,
  at: NOW.toISOString(),
  source: 'ses-inbound',
});

/** A lead mid-cadence in one table, a touch function on `touchStore`, and the signal dependencies. */
async function race(touchStore: (store: MemoryLeadStore) => LeadStore, journal: string[]) {
  ses.reset();
  ses.on(SendEmailCommand).callsFake(() => {
    journal.push('send');
    return { MessageId: 'ses-1' };
  });
  const store = new MemoryLeadStore();
  const lead = storedLead({ email: 'jordan.alvarez@example.com', name: 'Jordan Alvarez' });
  store.leads.set(lead.leadId, lead);
  await store.claimActive({
    leadId: lead.leadId,
    cadenceId: 'web-inquiry',
    enrollmentId: ENROLLMENT,
    inputJson: '{}',
    createdAt: NOW.toISOString(),
    endsAt: '2026-03-10T15:00:00Z',
  });
  const touch = makeTouchHandler(
    {
      store: touchStore(store),
      mailer: new SesMailer({
        client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
        from: 'sam@northwind.example',
      }),
      sms: new SnsSmsSender({ client: new SNSClient({ region: REGION, credentials: CREDENTIALS }) }),
      cadences: new StaticCadenceCatalog(CADENCES),
      templates,
      signingKey: async () => KEY,
      settings: TOUCH_SETTINGS,
      logger: recordingLogger(),
    },
    () => NOW,
  );
  return { store, lead, touch, signals: world() };
}

describe('a reply racing a touch', () => {
  it('whatever the interleaving, the email went out before the reply was written, or not at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        // Prepare: one store for both, as one table; the send is journaled when SES takes it
        const journal: string[] = [];
        const { store, lead, touch, signals } = await race(
          (st) => scheduled(st, s, 'touch', journal),
          journal,
        );
        const event = EVENT(lead.leadId);
        const reply = REPLY(lead.leadId);

        // Act: both at once, their store calls released in the order the scheduler picks
        const touched = touch(event).then(
          (result) => result.status,
          (error: Error) => error.name,
        );
        const replied = applySignal(
          { ...signals.deps, store: scheduled(store, s, 'reply', journal) },
          reply,
          NOW,
        );
        const [outcome] = await s.waitFor(Promise.all([touched, replied]));

        // Assess: the touch goes out at its last consistent read of the lead (docs/architecture.md §8.5); the reply
        // was written after that read, or the touch did not go out
        const sent = journal.indexOf('send');
        const written = journal.indexOf('status:replied');
        expect(written).toBeGreaterThanOrEqual(0);
        expect(store.leads.get(lead.leadId)?.status).toBe('replied');
        if (sent >= 0) {
          const lastRead = journal.slice(0, sent).lastIndexOf('touch-read');
          expect(written).toBeGreaterThan(lastRead);
          expect(outcome).toBe('sent');
        } else {
          expect(outcome).toBe('LeadExited');
          // Its claim was given back, so nothing looks sent.
          expect(
            store.touch({ leadId: lead.leadId, enrollmentId: ENROLLMENT, stepIndex: 0 }),
          ).toBeUndefined();
        }
        expect(journal.filter((entry) => entry === 'send').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("a reply written after the touch's last read, before its send reservation, stops the send", async () => {
    // Prepare: the reply lands just before the touch reserves its send slot (after its consistent re-read)
    const journal: string[] = [];
    let apply: (() => Promise<unknown>) | undefined;
    const { store, lead, touch, signals } = await race(
      (st) =>
        new Proxy(st, {
          get(target, property) {
            const value = Reflect.get(target, property, target);
            if (typeof value !== 'function') return value;
            return async (...args: unknown[]) => {
              if (property === 'reserveSends') await apply?.();
              return value.apply(target, args);
            };
          },
        }),
      journal,
    );
    apply = () => applySignal({ ...signals.deps, store }, REPLY(lead.leadId), NOW);

    // Act
    const outcome = await touch(EVENT(lead.leadId)).then(
      (result) => result.status,
      (error: Error) => error.name,
    );

    // Assess (docs/architecture.md §8.5): the status change bumped sendsVersion, so the reservation failed and the
    // re-read saw the reply
    expect(store.leads.get(lead.leadId)?.status).toBe('replied');
    expect(journal).not.toContain('send');
    expect(outcome).toBe('LeadExited');
  });
});
