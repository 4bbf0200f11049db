import { beforeEach, describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../../functions/domain/lead.ts';
import { makeSesEventsHandler } from '../../../../functions/handlers/ses-events.ts';
import { enrolled, stops, type World, world } from '../../../support/signal-fixtures.ts';

const NOW = new Date('2026-03-05T18:00:00Z');
const EMAIL = 'jordan.alvarez@example.com';

let w: World;
let leadId: string;

const handler = () => makeSesEventsHandler({ ...w.deps, clock: () => NOW });

/** An SES configuration-set event as EventBridge delivers it. */
function sesEvent(
  detailType: string,
  detail: Record<string, unknown>,
  mail: { tags?: Record<string, string[]>; destination?: string[] } = {},
) {
  return {
    version: '0',
    id: `evt-${detailType.replace(/\s/g, '-')}`,
    'detail-type': detailType,
    source: 'aws.ses',
    time: '2026-03-05T17:59:00Z',
    detail: {
      mail: {
        messageId: 'ses-msg-1',
        destination: mail.destination ?? [EMAIL],
        tags: mail.tags ?? { leadId: [leadId], cadence: ['web-inquiry'], step: ['instant-reply'] },
      },
      ...detail,
    },
  };
}

const bounce = (bounceType: string, mail?: Parameters<typeof sesEvent>[2]) =>
  sesEvent(
    'Email Bounced',
    {
      eventType: 'Bounce',
      bounce: {
        bounceType,
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: EMAIL }],
        timestamp: '2026-03-05T17:59:00Z',
      },
    },
    mail,
  );

beforeEach(async () => {
  w = world();
  ({ leadId } = await enrolled(w, { email: EMAIL }, 'web-inquiry', new Date('2026-03-04T15:30:00Z')));
});

describe('SES events', () => {
  it('a permanent bounce of the lead named by the leadId tag: bounced, suppressed, stopped', async () => {
    // Act
    const result = await handler()(bounce('Permanent'));

    // Assess
    expect(result).toEqual({ outcome: 'applied', type: 'bounce', leadId });
    expect(w.store.leads.get(leadId)?.status).toBe('bounced');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(true);
    expect(stops()).toHaveLength(1);
    expect(w.store.events).toContainEqual(
      expect.objectContaining({
        kind: 'status',
        to: 'bounced',
        at: '2026-03-05T17:59:00.000Z',
        source: 'ses-events',
      }),
    );
  });

  it('finds the lead by the destination address when the email carries no tags', async () => {
    // Act
    const result = await handler()(bounce('Permanent', { tags: {} }));

    // Assess
    expect(result).toMatchObject({ outcome: 'applied', leadId });
    expect(w.store.leads.get(leadId)?.status).toBe('bounced');
  });

  it('a transient bounce is recorded and changes nothing else', async () => {
    // Act
    await handler()(bounce('Transient'));

    // Assess
    expect(w.store.leads.get(leadId)?.status).toBe('active');
    expect(w.store.suppressions.size).toBe(0);
    expect(stops()).toEqual([]);
  });

  it('a complaint: complained and suppressed', async () => {
    // Act
    await handler()(
      sesEvent('Email Complaint Received', {
        eventType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: EMAIL }], complaintFeedbackType: 'abuse' },
      }),
    );

    // Assess
    expect(w.store.leads.get(leadId)?.status).toBe('complained');
    expect(w.store.suppressions.get(suppressionKey(EMAIL))?.reason).toBe('complaint');
  });

  it('the same bounce delivered twice is applied once', async () => {
    // Prepare
    await handler()(bounce('Permanent'));
    const events = w.store.events.length;

    // Act
    const again = await handler()({ ...bounce('Permanent'), id: 'another-eventbridge-id' });

    // Assess
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(w.store.events).toHaveLength(events);
    expect(stops()).toHaveLength(1);
  });

  it('a bounce of a task email to a rep (tag kind) never touches the lead', async () => {
    // Act
    const result = await handler()(bounce('Permanent', { tags: { leadId: [leadId], kind: ['task'] } }));

    // Assess
    expect(result.outcome).toBe('ignored');
    expect(w.store.leads.get(leadId)?.status).toBe('active');
    expect(w.store.suppressions.size).toBe(0);
  });

  it.each([
    [
      'Email Delivered',
      { eventType: 'Delivery', delivery: { timestamp: '2026-03-05T17:59:00Z' } },
      'delivery',
    ],
    ['Email Opened', { eventType: 'Open', open: { timestamp: '2026-03-05T17:59:00Z' } }, 'open'],
    ['Email Clicked', { eventType: 'Click', click: { link: 'https://northwind.example/guide' } }, 'click'],
  ])('%s is recorded as a %s event and stops nothing', async (detailType, detail, kind) => {
    // Act
    await handler()(sesEvent(detailType, detail));

    // Assess
    expect(w.store.events.map((e) => e.kind)).toContain(kind);
    expect(w.store.leads.get(leadId)?.status).toBe('active');
    expect(stops()).toEqual([]);
  });

  it('fails loudly on an event that is not an SES event', async () => {
    // Act
    const error = await handler()({ 'detail-type': 'Email Bounced' }).catch((e: Error) => e);

    // Assess
    expect((error as Error).name).toBe('InvalidPayload');
  });
});
