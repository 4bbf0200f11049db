import { beforeEach, describe, expect, it } from 'vitest';
import { makeSesEventsHandler } from '../../../../functions/handlers/ses-events.ts';
import { enrolled, type World, world } from '../../../support/signal-fixtures.ts';

/* With a `sending` block, the SES event path fills the governor's reputation window: once per message, as SES counts. */

const NOW = new Date('2026-03-05T18:00:00Z');
const EMAIL = 'jordan.alvarez@example.com';

let w: World;
let leadId: string;
let counted: string[];
let events = 0;
/** The governor's answer: whether this outcome paused marketing sends. */
let pausing = false;
let metrics: Record<string, number>;

const handler = () =>
  makeSesEventsHandler({
    ...w.deps,
    clock: () => NOW,
    metrics: {
      add: (name, value) => {
        metrics[name] = (metrics[name] ?? 0) + value;
      },
    },
    sending: {
      recordOutcome: async (kind) => {
        counted.push(kind);
        return {
          sends: 10,
          bounces: 2,
          complaints: 0,
          bounceRate: 0.2,
          complaintRate: 0,
          ...(pausing ? { breach: 'bounce' as const, paused: true } : {}),
        };
      },
    },
  });

function sesEvent(eventType: string, detail: Record<string, unknown>, tags?: Record<string, string[]>) {
  return {
    id: `evt-${eventType}-${++events}`,
    'detail-type': `Email ${eventType}`,
    time: '2026-03-05T17:59:00Z',
    detail: {
      eventType,
      mail: {
        messageId: `ses-msg-${eventType}`,
        destination: [EMAIL],
        tags: tags ?? { leadId: [leadId], cadence: ['web-inquiry'], step: ['instant-reply'] },
      },
      ...detail,
    },
  };
}
const bounce = (bounceType: string, tags?: Record<string, string[]>) =>
  sesEvent('Bounce', { bounce: { bounceType, bouncedRecipients: [{ emailAddress: EMAIL }] } }, tags);
const complaint = () =>
  sesEvent('Complaint', { complaint: { complainedRecipients: [{ emailAddress: EMAIL }] } });

beforeEach(async () => {
  w = world();
  counted = [];
  pausing = false;
  metrics = {};
  ({ leadId } = await enrolled(w, { email: EMAIL }, 'web-inquiry', new Date('2026-03-04T15:30:00Z')));
});

describe('SES events and the sending governor', () => {
  it('counts a hard bounce once, however often EventBridge delivers it', async () => {
    await handler()(bounce('Permanent'));
    await handler()(bounce('Permanent'));
    expect(counted).toEqual(['bounce']);
  });

  it('counts a complaint, and not a soft bounce, a delivery or a rep’s own email', async () => {
    await handler()(bounce('Transient'));
    await handler()(sesEvent('Delivery', { delivery: { timestamp: '2026-03-05T17:59:00Z' } }));
    await handler()(bounce('Permanent', { kind: ['task'] }));
    await handler()(complaint());
    expect(counted).toEqual(['complaint']);
  });

  it('tells the owner when a bounce pauses marketing sends: SendingPaused, which an alarm emails', async () => {
    await handler()(bounce('Permanent'));
    pausing = true;
    await handler()(complaint());
    expect(metrics.SendingPaused).toBe(1);
  });
});
