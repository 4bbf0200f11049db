import { describe, expect, it } from 'vitest';
import {
  type ReceivedMessage,
  replyForward,
  unmatchedForward,
} from '../../../../functions/domain/forward.ts';
import { outcomeLinks } from '../../../../functions/domain/outcome-links.ts';
import { ownerTaskEmail } from '../../../../functions/domain/owner-task-email.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import { storedLead, TOUCH_SETTINGS } from '../../../support/handler-fixtures.ts';

/*
 * The emails a person of ours reads (a rep's task, a forwarded reply, mail that matched no lead) carry the lead's own
 * words: whatever a lead typed as their name arrives as text, never as markup.
 */

const HOSTILE = '<img src=x onerror=alert(1)>';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
const lead = storedLead({ email: 'sam@example.com', name: HOSTILE, company: 'Tom & "Jerry"' });

const CALL: TouchEvent = {
  leadId: lead.leadId,
  enrollmentId: 'web-inquiry-e1',
  cadenceId: 'web-inquiry',
  stepIndex: 2,
  stepId: 'call',
  channel: 'call',
  template: 'walkthrough-call',
  scheduledAt: '2026-03-05T16:00:00Z',
};

const reply = (overrides: Partial<ReceivedMessage> = {}): ReceivedMessage => ({
  channel: 'email',
  from: 'sam@example.com',
  subject: 'Re: your proposal',
  text: `Thanks ${HOSTILE}\nSee you`,
  receivedAt: '2026-03-06T10:00:00Z',
  ...overrides,
});

describe("the rep's task email", () => {
  it("escapes the lead's name in the title, the details and the script, and keeps its own links", () => {
    // Prepare
    const links = outcomeLinks(
      'https://api.example',
      lead.leadId,
      'k'.repeat(64),
      new Date('2026-03-05T00:00:00Z'),
    );
    const settings = { ...TOUCH_SETTINGS, dashboardUrl: 'https://dash.example/' };

    // Act
    const email = ownerTaskEmail(
      lead,
      CALL,
      { text: `Ask for ${HOSTILE}\nthen listen` },
      'UTC',
      settings,
      links,
    );

    // Assess
    expect(email.subject).toBe(`Call ${HOSTILE}`);
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain(`<p><strong>Call ${ESCAPED}</strong><br>Due Thu 5 Mar 2026, 16:00 UTC`);
    expect(email.html).toContain(`<tr><th align="left">Name</th><td>${ESCAPED}</td></tr>`);
    expect(email.html).toContain(
      '<tr><th align="left">Company</th><td>Tom &amp; &quot;Jerry&quot;</td></tr>',
    );
    expect(email.html).toContain(`<h3>Script</h3><p>Ask for ${ESCAPED}<br>\nthen listen</p>`);
    expect(email.html).toContain(
      `<p><a href="https://dash.example/leads/${lead.leadId}">Open the lead</a></p>`,
    );
    expect(email.html).toMatch(
      /One click records it: <a href="https:\/\/api\.example\/o\/[^"]+">Replied<\/a> · <a /,
    );
    expect(email.text).toContain(`  Name: ${HOSTILE}`);
  });
});

describe('forwarded replies', () => {
  it("escapes the lead's name, their subject and their words", () => {
    // Act
    const email = replyForward(lead, reply(), { to: 'owner@example.com', zone: 'UTC', stopped: [] });

    // Assess
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain(`<p>${ESCAPED} replied. Reply to this email to answer them.</p>`);
    expect(email.html).toContain(`<tr><th align="left">Name</th><td>${ESCAPED}</td></tr>`);
    expect(email.html).toContain('<h3>Their message (subject: Re: your proposal)</h3>');
    expect(email.html).toContain(`<pre style="white-space: pre-wrap">Thanks ${ESCAPED}\nSee you</pre>`);
  });

  it('escapes the name a sender that matched no lead gave', () => {
    // Act
    const email = unmatchedForward(reply({ fromName: HOSTILE, subject: HOSTILE }), 'fallback@example.com');

    // Assess
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain(
      `<tr><th align="left">From</th><td>${ESCAPED} &lt;sam@example.com&gt;</td></tr>`,
    );
    expect(email.html).toContain(`<h3>Their message (subject: ${ESCAPED})</h3>`);
  });
});
