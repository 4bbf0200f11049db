import { SFNServiceException, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import { STALE_SIGNAL_CLAIM_MS } from '../../../../functions/domain/apply-once.ts';
import { suppressionKey } from '../../../../functions/domain/lead.ts';
import type { Signal } from '../../../../functions/domain/signal-schema.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import { enrolled, sfn, starts, stops, type World, world } from '../../../support/signal-fixtures.ts';

const ENROLLED_AT = new Date('2026-03-04T15:30:00Z'); // Wednesday 09:30 in Chicago
const NOW = new Date('2026-03-05T18:00:00Z');
const EMAIL = 'jordan.alvarez@example.com';
const PHONE = '+13125550142';

let w: World;
let leadId: string;
let enrollmentId: string;
let setupEvents: number;

const base = () => ({ v: 1 as const, leadId, at: NOW.toISOString() });
const lead = () => w.store.leads.get(leadId);
const execution = (cadence: string, name: string) =>
  `arn:aws:states:us-east-1:123456789012:execution:Followup-${cadence}:${name}`;

beforeEach(async () => {
  w = world();
  ({ leadId, enrollmentId } = await enrolled(
    w,
    {
      email: EMAIL,
      name: 'Jordan Alvarez',
      phone: PHONE,
      smsConsent: {
        at: ENROLLED_AT.toISOString(),
        source: 'https://northwind.example/quote',
        wording: 'Texts OK',
      },
    },
    'web-inquiry',
    ENROLLED_AT,
  ));
  w.journal.length = 0;
  setupEvents = w.store.events.length;
  sfn.resetHistory();
});

const newEvents = () => w.store.events.slice(setupEvents);

describe('applySignal: a reply', () => {
  it('sets replied with a dated, sourced event, then stops the running enrollment and frees its slot', async () => {
    // Prepare
    const signal: Signal = { ...base(), type: 'reply', id: 'email:m-1', source: 'ses-inbound' };

    // Act
    const result = await applySignal(w.deps, signal, NOW);

    // Assess
    expect(result.outcome).toBe('applied');
    expect(lead()?.status).toBe('replied');
    expect(w.store.events).toContainEqual(
      expect.objectContaining({
        kind: 'status',
        from: 'active',
        to: 'replied',
        at: NOW.toISOString(),
        source: 'ses-inbound',
      }),
    );
    expect(stops()).toEqual([execution('web-inquiry', enrollmentId)]);
    expect(w.store.active.size).toBe(0);
    // Nothing runs any more, so the rep sees no next touch.
    expect(lead()?.nextTouchAt).toBeUndefined();
  });

  it('writes DynamoDB before it stops the execution', async () => {
    // Prepare
    const signal: Signal = { ...base(), type: 'reply', id: 'email:m-1', source: 'ses-inbound' };

    // Act
    await applySignal(w.deps, signal, NOW);

    // Assess
    const stop = w.journal.indexOf('StopExecution');
    expect(stop).toBeGreaterThan(-1);
    expect(w.journal.indexOf('changeStatus')).toBeLessThan(stop);
    expect(w.journal.indexOf('recordEvent')).toBeLessThan(stop);
    // The slot is freed only once the execution is stopped, so a failed stop is retried.
    expect(w.journal.indexOf('releaseActive')).toBeGreaterThan(stop);
  });

  it('never downgrades a won lead: the reply is recorded, the status stays', async () => {
    // Prepare
    const current = lead();
    if (current) w.store.leads.set(leadId, { ...current, status: 'won' });

    // Act
    await applySignal(w.deps, { ...base(), type: 'reply', id: 'email:m-2', source: 'ses-inbound' }, NOW);

    // Assess
    expect(lead()?.status).toBe('won');
    expect(w.store.events.map((e) => e.kind)).toContain('reply');
    expect(w.store.events.filter((e) => e.kind === 'status' && e.to === 'replied')).toEqual([]);
  });

  it('a second delivery of the same reply changes nothing: no event, no stop', async () => {
    // Prepare
    const signal: Signal = { ...base(), type: 'reply', id: 'email:m-1', source: 'ses-inbound' };
    await applySignal(w.deps, signal, NOW);
    const events = w.store.events.length;
    const stopped = stops().length;

    // Act
    const again = await applySignal(w.deps, signal, new Date(NOW.getTime() + 60_000));

    // Assess
    expect(again.outcome).toBe('duplicate');
    expect(w.store.events).toHaveLength(events);
    expect(stops()).toHaveLength(stopped);
  });

  it('a delivery that failed half-way gives its claim back, so the retry finishes the job', async () => {
    // Prepare
    sfn
      .on(StopExecutionCommand)
      .rejectsOnce(
        new SFNServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ stopDate: new Date() });
    const signal: Signal = { ...base(), type: 'reply', id: 'email:m-1', source: 'ses-inbound' };
    const first = await applySignal(w.deps, signal, NOW).catch((error: Error) => error);

    // Act
    const retry = await applySignal(w.deps, signal, new Date(NOW.getTime() + 60_000));

    // Assess
    expect((first as Error).name).toBe('TransientError');
    expect(retry.outcome).toBe('applied');
    expect(w.store.active.size).toBe(0);
    expect(w.store.events.filter((e) => e.kind === 'status')).toHaveLength(1);
  });

  it('re-applies a signal whose earlier delivery crashed and left its claim behind', async () => {
    // Prepare
    await w.store.claimSignal(
      { leadId, signalId: 'email:m-1', type: 'reply', source: 'ses-inbound', claimedAt: NOW.toISOString() },
      NOW.toISOString(),
    );
    const signal: Signal = { ...base(), type: 'reply', id: 'email:m-1', source: 'ses-inbound' };

    // Act
    const soon = await applySignal(w.deps, signal, new Date(NOW.getTime() + 60_000));
    const later = await applySignal(w.deps, signal, new Date(NOW.getTime() + STALE_SIGNAL_CLAIM_MS + 1));

    // Assess
    expect(soon.outcome).toBe('duplicate');
    expect(later.outcome).toBe('applied');
    expect(lead()?.status).toBe('replied');
  });

  it('logs lead ids, never the address', async () => {
    // Act
    await applySignal(w.deps, { ...base(), type: 'reply', id: 'email:m-1', source: 'ses-inbound' }, NOW);

    // Assess
    expect(w.logger.lines.join('\n')).toContain(leadId);
    expect(w.logger.lines.join('\n')).not.toContain(EMAIL);
  });
});

describe('applySignal: bounces, complaints, unsubscribes', () => {
  it('a hard bounce sets bounced and suppresses the address everywhere', async () => {
    // Act
    await applySignal(
      w.deps,
      { ...base(), type: 'bounce', id: 'bounce:m-1', source: 'ses-events', bounceType: 'Permanent' },
      NOW,
    );

    // Assess
    expect(lead()?.status).toBe('bounced');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(true);
    expect(w.store.suppressions.get(suppressionKey(EMAIL))).toMatchObject({ reason: 'bounce', leadId });
    expect(stops()).toHaveLength(1);
    expect(w.journal.indexOf('suppress')).toBeLessThan(w.journal.indexOf('StopExecution'));
  });

  it('a soft bounce is only an event: the lead stays active, nothing is suppressed or stopped', async () => {
    // Act
    await applySignal(
      w.deps,
      { ...base(), type: 'bounce', id: 'bounce:m-1', source: 'ses-events', bounceType: 'Transient' },
      NOW,
    );

    // Assess
    expect(lead()?.status).toBe('active');
    expect(w.store.suppressions.size).toBe(0);
    expect(stops()).toEqual([]);
    expect(w.store.events).toContainEqual(
      expect.objectContaining({
        kind: 'bounce',
        detail: expect.objectContaining({ bounceType: 'Transient' }),
      }),
    );
  });

  it('a complaint sets complained and suppresses the address', async () => {
    // Act
    await applySignal(
      w.deps,
      { ...base(), type: 'complaint', id: 'complaint:m-1', source: 'ses-events' },
      NOW,
    );

    // Assess
    expect(lead()?.status).toBe('complained');
    expect(w.store.suppressions.get(suppressionKey(EMAIL))?.reason).toBe('complaint');
    expect(stops()).toHaveLength(1);
  });

  it('an unsubscribe sets unsubscribed and suppresses the address', async () => {
    // Act
    await applySignal(
      w.deps,
      { ...base(), type: 'unsubscribe', id: `unsubscribe:${leadId}`, source: 'list-unsubscribe' },
      NOW,
    );

    // Assess
    expect(lead()?.status).toBe('unsubscribed');
    expect(w.store.suppressions.get(suppressionKey(EMAIL))?.reason).toBe('unsubscribe');
    expect(w.store.active.size).toBe(0);
  });
});

describe('applySignal: SMS consent', () => {
  it('STOP revokes consent and suppresses the phone; the lead stays active and its email cadence runs on', async () => {
    // Act
    await applySignal(
      w.deps,
      {
        ...base(),
        type: 'sms-stop',
        id: 'sms:in-1',
        source: 'sms:+12175550100',
        phone: PHONE,
        keyword: 'STOP',
      },
      NOW,
    );

    // Assess
    expect(lead()?.status).toBe('active');
    expect(lead()?.smsConsent).toBeUndefined();
    expect(lead()?.smsOptedOutAt).toBe(NOW.toISOString());
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(false);
    expect(stops()).toEqual([]);
    expect(w.store.active.size).toBe(1);
  });

  it('STOP ends a cadence that only texts', async () => {
    // Prepare
    const texts = await enrolled(w, { email: EMAIL, phone: PHONE }, 'text-reminders', ENROLLED_AT);
    sfn.resetHistory();

    // Act
    await applySignal(
      w.deps,
      {
        ...base(),
        type: 'sms-stop',
        id: 'sms:in-1',
        source: 'sms:+12175550100',
        phone: PHONE,
        keyword: 'STOP',
      },
      NOW,
    );

    // Assess
    expect(stops()).toEqual([execution('text-reminders', texts.enrollmentId)]);
    expect([...w.store.active.values()].map((p) => p.cadenceId)).toEqual(['web-inquiry']);
  });

  it('START after STOP records consent with the keyword as its wording and lifts the phone suppression', async () => {
    // Prepare
    const sms = { source: 'sms:+12175550100', phone: PHONE };
    await applySignal(w.deps, { ...base(), ...sms, type: 'sms-stop', id: 'sms:in-1', keyword: 'STOP' }, NOW);
    const later = new Date(NOW.getTime() + 3_600_000);

    // Act
    await applySignal(
      w.deps,
      { ...base(), ...sms, at: later.toISOString(), type: 'sms-start', id: 'sms:in-2', keyword: 'START' },
      later,
    );

    // Assess
    expect(lead()?.smsConsent).toEqual({
      at: later.toISOString(),
      source: 'sms:+12175550100',
      wording: 'START keyword',
    });
    expect(lead()?.smsOptedOutAt).toBeUndefined();
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(false);
  });
});

describe('applySignal: outcomes and purchases', () => {
  it('won records the deal value on the lead for the report', async () => {
    // Act
    await applySignal(
      w.deps,
      {
        ...base(),
        type: 'outcome',
        id: 'outcome:r-1',
        source: 'rep',
        result: 'won',
        value: 1200,
        currency: 'EUR',
      },
      NOW,
    );

    // Assess
    expect(lead()).toMatchObject({
      status: 'won',
      dealValue: 1200,
      dealCurrency: 'EUR',
      wonAt: NOW.toISOString(),
    });
    expect(stops()).toHaveLength(1);
  });

  it('not-now snoozes the lead, stops its cadence and enrolls it in re-engage with the first touch on or after the date', async () => {
    // Prepare
    const until = '2026-06-01T14:00:00.000Z';

    // Act
    const result = await applySignal(
      w.deps,
      { ...base(), type: 'outcome', id: 'outcome:r-1', source: 'rep', result: 'not-now', until },
      NOW,
    );

    // Assess
    expect(lead()).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    expect(stops()).toEqual([execution('web-inquiry', enrollmentId)]);
    const [start, ...more] = starts();
    expect(more).toEqual([]);
    expect(start?.stateMachineArn).toContain('Followup-re-engage:live');
    const input = ExecutionInputSchema.parse(JSON.parse(start?.input ?? ''));
    expect(Date.parse(input.schedule[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(until));
    expect(result.outcome === 'applied' && result.enrolled?.status).toBe('started');
    expect(w.journal.indexOf('StopExecution')).toBeLessThan(w.journal.indexOf('StartExecution'));
    expect([...w.store.active.values()].map((p) => p.cadenceId)).toEqual(['re-engage']);
  });

  it('a purchase is a conversion: won with the revenue, and the cart follow-up stops', async () => {
    // Prepare
    const shopper = 'casey@example.com';
    const cart = await enrolled(
      w,
      {
        email: shopper,
        cart: {
          url: 'https://shop.example/cart/1',
          items: [{ name: 'Mulch', quantity: 2, price: 30 }],
          total: 60,
          currency: 'USD',
        },
      },
      'abandoned-cart',
      ENROLLED_AT,
    );
    sfn.resetHistory();

    // Act
    await applySignal(
      w.deps,
      {
        v: 1,
        type: 'conversion',
        id: 'order:o-1',
        leadId: cart.leadId,
        at: NOW.toISOString(),
        source: 'shop',
        orderId: 'o-1',
        revenue: 60,
        currency: 'USD',
      },
      NOW,
    );

    // Assess
    expect(w.store.leads.get(cart.leadId)).toMatchObject({
      status: 'won',
      dealValue: 60,
      dealCurrency: 'USD',
    });
    expect(stops()).toEqual([execution('abandoned-cart', cart.enrollmentId)]);
  });

  it('an open is recorded and stops nothing', async () => {
    // Act
    await applySignal(w.deps, { ...base(), type: 'open', id: 'open:e-1', source: 'ses-events' }, NOW);

    // Assess
    expect(lead()?.status).toBe('active');
    expect(newEvents().map((e) => e.kind)).toEqual(['open']);
    expect(sfn.commandCalls(StopExecutionCommand)).toEqual([]);
  });
});
