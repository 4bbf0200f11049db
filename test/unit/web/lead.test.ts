import { describe, expect, it } from 'vitest';
import { renderLeadPage } from '../../../web/lead.ts';
import { documentProblems, postButtons, textOf } from '../../support/html-check.ts';
import { DANA, leadPage, MALLORY, QUOTES, XSS } from '../../support/web-fixtures.ts';

/** The timeline's entries as text, with the class that marks them past, future or now. */
function timeline(page: string): { cls: string; text: string }[] {
  const list = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '';
  return [...list.matchAll(/<li class="([^"]*)"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => ({
    cls: m[1] ?? '',
    text: textOf(m[2] ?? ''),
  }));
}

describe('renderLeadPage', () => {
  it('is a complete, well-formed page titled with the lead', () => {
    // Prepare
    const model = leadPage();

    // Act
    const page = renderLeadPage(model);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(page).toContain('<title>Dana Whitaker · Followup</title>');
  });

  it('shows the contact card with consent and its time in the lead’s zone', () => {
    // Prepare
    const model = leadPage();

    // Act
    const text = textOf(renderLeadPage(model));

    // Assess
    expect(text).toContain(
      'Email dana@acme.example Phone +13125550142 Company Acme Roofing Time zone America/Chicago Status Active Owner Sam Rivera SMS consent Yes, given Thu 17 Dec, 09:00 CST',
    );
    expect(text).toContain('Last contact 3 days ago · email Next touch Tue 22 Dec, 09:00 CST Touches 2');
  });

  it('says when there is no SMS consent and no known zone', () => {
    // Prepare
    const model = leadPage({ lead: MALLORY, schedule: [], touches: [], enrollments: [] });

    // Act
    const text = textOf(renderLeadPage(model));

    // Assess
    expect(text).toContain('Time zone not known — times shown in UTC');
    expect(text).toContain('SMS consent No');
  });

  it('lays the schedule against the touches: sent, skipped with its reason, then now, then waiting', () => {
    // Prepare
    const model = leadPage();

    // Act
    const entries = timeline(renderLeadPage(model));

    // Assess
    expect(entries).toEqual([
      {
        cls: 'past',
        text: 'Thu 17 Dec, 09:00 CST (4 days ago) Email · proposal template proposal-sent Sent Thu 17 Dec, 09:00 CST',
      },
      {
        cls: 'past',
        text: 'Fri 18 Dec, 09:00 CST (3 days ago) Email · did-you-get-it template proposal-received Sent Fri 18 Dec, 09:00 CST',
      },
      {
        cls: 'past',
        text: 'Fri 18 Dec, 10:00 CST (3 days ago) SMS · text template quick-text Skipped — frequency cap: 2 touches in 24 hours Fri 18 Dec, 10:00 CST',
      },
      { cls: 'now', text: 'Now · Mon 21 Dec, 09:00 CST' },
      {
        cls: 'future',
        text: 'Wed 23 Dec, 09:00 CST (in 2 days) Call · walkthrough-call template walkthrough-call Waiting',
      },
      {
        cls: 'future',
        text: 'Mon 28 Dec, 09:00 CST (in 7 days) Email · close-the-file template close-the-file Waiting',
      },
    ]);
  });

  it('shows a failed touch with its reason and a past step with no touch yet as due', () => {
    // Prepare
    const base = leadPage();
    const model = leadPage({
      touches: [
        ...base.touches.slice(0, 1),
        {
          step: 'did-you-get-it',
          channel: 'email',
          template: 'proposal-received',
          status: 'failed',
          reason: 'SES throttled; will be redriven',
          at: '2026-12-18T15:00:03.000Z',
        },
      ],
    });

    // Act
    const texts = timeline(renderLeadPage(model)).map((e) => e.text);

    // Assess
    expect(texts[1]).toContain('Failed — SES throttled; will be redriven');
    expect(texts[2]).toContain('Due — goes out any moment');
  });

  it('marks the steps left as not happening once the lead has exited, and why', () => {
    // Prepare
    const model = leadPage({ lead: { ...DANA, status: 'replied', nextTouchAt: undefined } });

    // Act
    const entries = timeline(renderLeadPage(model));

    // Assess
    const future = entries.filter((e) => e.cls.includes('future'));
    expect(future.map((e) => e.cls)).toEqual(['future cancelled', 'future cancelled']);
    expect(future.map((e) => e.text)).toEqual([
      expect.stringMatching(/walkthrough-call Will not happen — the lead replied$/),
      expect.stringMatching(/close-the-file Will not happen — the lead replied$/),
    ]);
    expect(entries[0]?.text).toContain('Sent');
  });

  it('lists a touch the schedule does not explain instead of dropping it', () => {
    // Prepare
    const model = leadPage({
      touches: [
        ...leadPage().touches,
        {
          step: 'quarterly-check',
          channel: 'email',
          template: 'nurture-q1',
          status: 'sent',
          at: '2026-12-20T15:00:00Z',
        },
      ],
    });

    // Act
    const texts = timeline(renderLeadPage(model)).map((e) => e.text);

    // Assess
    expect(texts[3]).toBe(
      'not in the schedule Email · quarterly-check template nurture-q1 Sent Sun 20 Dec, 09:00 CST',
    );
  });

  it('lists the enrollments', () => {
    // Prepare
    const model = leadPage();

    // Act
    const text = textOf(renderLeadPage(model));

    // Assess
    expect(text).toContain('Cadence Enrolled Status proposal Thu 17 Dec, 09:00 CST started');
  });

  it('offers buttons that post each simulated signal and each rep outcome for this lead', () => {
    // Prepare
    const model = leadPage({ lead: MALLORY });

    // Act
    const buttons = postButtons(renderLeadPage(model));

    // Assess
    const signals = '/api/leads/lead-%3Cmallory%3E/signals';
    expect(buttons.get('Simulate: reply')).toEqual({
      url: signals,
      body: { type: 'reply', text: 'Thanks, this looks good. Can we talk on Tuesday?' },
    });
    expect(buttons.get('Simulate: bounce')).toEqual({ url: signals, body: { type: 'bounce' } });
    expect(buttons.get('Simulate: complaint')).toEqual({ url: signals, body: { type: 'complaint' } });
    expect(buttons.get('Simulate: unsubscribe')).toEqual({ url: signals, body: { type: 'unsubscribe' } });
    expect(buttons.get('Simulate: purchase')).toEqual({ url: signals, body: { type: 'purchase' } });
    expect(buttons.get('Simulate: SMS STOP')).toEqual({ url: signals, body: { type: 'sms', text: 'STOP' } });
    expect(buttons.get('Lost')).toEqual({
      url: '/api/leads/lead-%3Cmallory%3E/outcome',
      body: { result: 'lost' },
    });
  });

  it('escapes the lead’s fields, step names, templates and reasons', () => {
    // Prepare
    const model = leadPage({
      lead: { ...MALLORY, owner: XSS, phone: QUOTES },
      enrollments: [
        { enrollmentId: 'e', cadenceId: XSS, enrolledAt: '2026-12-19T15:00:00Z', status: 'stuck' },
      ],
      schedule: [{ step: XSS, channel: 'email', template: XSS, at: '2026-12-20T15:00:00Z' }],
      touches: [
        {
          step: XSS,
          channel: 'email',
          template: XSS,
          status: 'skipped',
          reason: XSS,
          at: '2026-12-20T15:00:00Z',
        },
      ],
    });

    // Act
    const page = renderLeadPage(model);

    // Assess
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('Tom & "Jerry"');
    expect(documentProblems(page)).toEqual([]);
    expect(textOf(page)).toContain(`Skipped — ${XSS}`);
  });

  it('explains an empty schedule and no enrollments', () => {
    // Prepare
    const model = leadPage({ schedule: [], touches: [], enrollments: [] });

    // Act
    const page = renderLeadPage(model);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(textOf(page)).toContain('Not enrolled in any cadence.');
    expect(textOf(page)).toContain('No schedule yet.');
  });
});
