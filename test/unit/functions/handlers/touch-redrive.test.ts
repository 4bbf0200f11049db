import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { InvalidPayload, SendUnconfirmed } from '../../../../functions/domain/errors.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { Mailer, OutgoingEmail, SmsSender, TouchKey } from '../../../../functions/domain/ports.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import { touchId } from '../../../../functions/domain/unconfirmed-touches.ts';
import { makeTouchHandler } from '../../../../functions/handlers/touch.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  recordingLogger,
  storedLead,
  TOUCH_SETTINGS,
  templates,
} from '../../../support/handler-fixtures.ts';

/*
 * `followup touches redrive ID --aws` invokes the deployed Touch function with `{"redrive": {"id", "by"}}`: the
 * touch goes out once, with the function's own mailer; a refusal comes back as an answer the CLI prints.
 */

const NOW = new Date('2026-03-04T16:00:00.000Z'); // Wednesday 10:00 in Chicago
const ENROLLMENT = 'web-inquiry-ld_test-0123456789abcdef';

let store: MemoryLeadStore;
let sent: OutgoingEmail[];
let lead: Lead;
/** The first send's answer is lost (a timeout after SES took it), so the touch is left unconfirmed. */
let answerLost: boolean;

const mailer: Mailer = {
  async send(email) {
    if (answerLost) {
      answerLost = false;
      throw new SendUnconfirmed('SES did not answer (TimeoutError); the email may have been sent');
    }
    sent.push(email);
    return { messageId: `ses-${sent.length}` };
  },
};
const sms: SmsSender = {
  async send() {
    throw new Error('no text in these tests');
  },
};

const touch = () =>
  makeTouchHandler(
    {
      store,
      mailer,
      sms,
      cadences: new StaticCadenceCatalog(ALL_CADENCES),
      templates,
      signingKey: async () => 'k3y-for-tests-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
      settings: TOUCH_SETTINGS,
      logger: recordingLogger(),
    },
    () => NOW,
  );

const stepPayload = (): TouchEvent => ({
  leadId: lead.leadId,
  enrollmentId: ENROLLMENT,
  cadenceId: 'web-inquiry',
  stepIndex: 0,
  stepId: 'instant-reply',
  channel: 'email',
  template: 'hello',
  scheduledAt: NOW.toISOString(),
});
const key = (): TouchKey => ({ leadId: lead.leadId, enrollmentId: ENROLLMENT, stepIndex: 0 });

beforeEach(async () => {
  store = new MemoryLeadStore();
  sent = [];
  lead = storedLead({ email: 'jordan.alvarez@example.com', name: 'Jordan Alvarez' });
  store.leads.set(lead.leadId, lead);
  // Prepare: the state machine's touch, whose answer is lost
  answerLost = true;
  expect(await touch()(stepPayload())).toMatchObject({ status: 'unconfirmed' });
  expect(sent).toHaveLength(0);
});

describe('a redrive event', () => {
  it('sends the unconfirmed touch once, recorded as redriven by the name given', async () => {
    // Act
    const answer = await touch()({ redrive: { id: touchId(key()), by: 'Dana' } });

    // Assess
    expect(answer).toEqual({ ok: true, status: 'sent', id: touchId(key()), messageId: 'ses-1' });
    expect(sent.map((e) => e.to)).toEqual([lead.email]);
    expect(store.touch(key())).toMatchObject({ status: 'sent', redrivenBy: 'Dana' });
  });

  it('answers a refusal, not an error, when the touch was already sent, and sends nothing more', async () => {
    // Prepare
    await touch()({ redrive: { id: touchId(key()), by: 'Dana' } });

    // Act
    const again = await touch()({ redrive: { id: touchId(key()), by: 'Sam' } });

    // Assess
    expect(again).toEqual({
      ok: false,
      status: 'refused',
      id: touchId(key()),
      refused: expect.stringMatching(/was already sent .*message ses-1.*; it is not sent again/),
    });
    expect(sent).toHaveLength(1);
  });

  it('answers a refusal for a touch that does not exist, saying where to find the ids', async () => {
    const answer = await touch()({ redrive: { id: `${lead.leadId}/${ENROLLMENT}/7`, by: 'Dana' } });

    expect(answer).toMatchObject({
      ok: false,
      refused: expect.stringContaining('followup touches unconfirmed'),
    });
    expect(sent).toHaveLength(0);
  });

  it.each([
    ['an id that is not one', { id: 'not-a-touch', by: 'Dana' }, 'redrive.id', /LEAD\/ENROLLMENT\/STEP/],
    ['no one named', { id: 'ld_1/e/0' }, 'redrive.by', /expected string/],
    ['a blank name', { id: 'ld_1/e/0', by: '  ' }, 'redrive.by', /name who checked the touch/],
    ['a name with a line break', { id: 'ld_1/e/0', by: 'Dana\nBcc: x' }, 'redrive.by', /control/],
    ['an unknown field', { id: 'ld_1/e/0', by: 'Dana', force: true }, 'redrive', /force/],
  ])(
    'is an InvalidPayload naming the field for %s, and sends nothing',
    async (_what, redrive, field, says) => {
      // Act
      const error = await touch()({ redrive }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(InvalidPayload);
      expect((error as Error).message).toMatch(/^redrive event: /);
      expect((error as Error).message).toContain(`at ${field}`);
      expect((error as Error).message).toMatch(says);
      expect(store.touch(key())?.status).toBe('unconfirmed');
      expect(sent).toHaveLength(0);
    },
  );

  it('leaves the state machine payload as it was: a redrive key is what tells them apart', async () => {
    const error = await touch()({ ...stepPayload(), stepIndex: 'zero' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidPayload);
    expect((error as Error).message).toMatch(/^touch payload: /);
  });
});
