import { describe, expect, it } from 'vitest';
import { renderDashboard } from '../../../web/dashboard.ts';
import { blockContaining, documentProblems, postButtons, textOf } from '../../support/html-check.ts';
import { DANA, dashboard, MALLORY, QUOTES, XSS } from '../../support/web-fixtures.ts';

function stats(page: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of page.matchAll(/<span class="value">([^<]*)<\/span><span class="label">([^<]*)<\/span>/g)) {
    found[m[2] ?? ''] = m[1] ?? '';
  }
  return found;
}

function leadRows(page: string): string[] {
  const tbody = /<caption[^>]*>Leads[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1] ?? ''));
}

describe('renderDashboard', () => {
  it('is a complete, well-formed page with the nav to the form and the mailbox', () => {
    // Prepare
    const model = dashboard();

    // Act
    const page = renderDashboard(model);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(page).toContain('<title>Dashboard · Followup</title>');
    expect(page).toContain('<a href="/form">Signup form</a>');
    expect(page).toContain('<a href="http://127.0.0.1:8005/">Mailbox</a>');
    expect(page).toContain('<a href="/" aria-current="page">Dashboard</a>');
  });

  it('lists every lead, newest first, with its status, cadence, owner, last contact, next touch and touches', () => {
    // Prepare
    const model = dashboard();

    // Act
    const rows = leadRows(renderDashboard(model));

    // Assess
    expect(rows).toEqual([
      `${XSS} mallory@evil.example Tom & "Jerry" Replied web-inquiry unassigned 1 day ago · sms — 1`,
      'Dana Whitaker dana@acme.example Acme Roofing Active proposal Sam Rivera 3 days ago · email Tue 22 Dec, 09:00 CST 2',
      'pat@bakery.example Won proposal Sam Rivera not yet — 4',
    ]);
  });

  it('links each lead to its page and colors its status badge by status', () => {
    // Prepare
    const model = dashboard();

    // Act
    const page = renderDashboard(model);

    // Assess
    expect(page).toContain('<a href="/leads/lead-dana">Dana Whitaker</a>');
    expect(page).toContain('<a href="/leads/lead-%3Cmallory%3E">');
    expect(page).toContain('<span class="badge badge-active">Active</span>');
    expect(page).toContain('<span class="badge badge-replied">Replied</span>');
    expect(page).toContain('<span class="badge badge-won">Won</span>');
  });

  it('escapes names, titles, scripts, messages and subjects everywhere they appear', () => {
    // Prepare
    const model = dashboard({ mailboxUrl: 'javascript:alert(1)' });

    // Act
    const page = renderDashboard(model);

    // Assess
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('Tom & "Jerry"');
    expect(page).not.toContain('javascript:');
    // the lead's name in the table and on its task, the task's script, the SMS body
    expect(page.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)?.length).toBe(4);
    // the company, the task's title, the email's subject
    expect(page.match(/Tom &amp; &quot;Jerry&quot;/g)?.length).toBe(3);
  });

  it('sums up the leads, the report’s replies, deals and touches, and each channel', () => {
    // Prepare
    const model = dashboard();

    // Act
    const found = stats(renderDashboard(model));

    // Assess
    expect(found).toEqual({
      Leads: '3',
      Replied: '1',
      Won: '1',
      'Touches sent': '7',
      Emails: '2',
      SMS: '1',
      'Calls to make': '1',
    });
    expect(textOf(renderDashboard(model))).toContain('12,400 in deals');
    expect(textOf(renderDashboard(model))).toContain('Calls to make + 1 other task ');
  });

  it('lists tasks soonest first with their due time, the script folded away and the outcome buttons', () => {
    // Prepare
    const model = dashboard();

    // Act
    const page = renderDashboard(model);
    const call = blockContaining(page, 'li', 'card', 'Walkthrough call') ?? '';

    // Assess
    expect(page.indexOf('Walkthrough call')).toBeLessThan(
      page.indexOf('Tom &amp; &quot;Jerry&quot;</strong>'),
    );
    expect(textOf(call)).toContain('Due Mon 21 Dec, 08:00 CST (1 hour ago)');
    expect(call).toContain('class="overdue"');
    expect(call).toMatch(
      /<details><summary>Call script<\/summary><p class="script">Hi Dana, this is Sam from Acme.\n/,
    );
    expect(Object.fromEntries(postButtons(call))).toEqual({
      Replied: { url: '/api/leads/lead-dana/outcome', body: { result: 'replied' } },
      'Meeting booked': { url: '/api/leads/lead-dana/outcome', body: { result: 'meeting' } },
      'Won…': {
        url: '/api/leads/lead-dana/outcome',
        body: { result: 'won' },
        ask: 'Deal value? (a number, or leave blank)',
      },
      Lost: { url: '/api/leads/lead-dana/outcome', body: { result: 'lost' } },
      'Not now': { url: '/api/leads/lead-dana/outcome', body: { result: 'not-now' } },
    });
    expect(page).toContain("document.addEventListener('click'");
  });

  it('shows the SMS outbox and recent emails newest first, in the recipient’s zone, linked to the lead and mailbox', () => {
    // Prepare
    const model = dashboard();

    // Act
    const page = renderDashboard(model);
    const text = textOf(page);

    // Assess
    expect(text).toContain(
      `SMS outbox To Message Sent +13125550142 Hi ${XSS}, quick question Sun 20 Dec, 10:00 CST`,
    );
    expect(text).toContain(
      'mallory@evil.example Tom & "Jerry" Sat 19 Dec, 15:01 UTC dana@acme.example Your proposal from Acme Thu 17 Dec, 09:01 CST',
    );
    expect(page).toContain('<td><a href="/leads/lead-dana">+13125550142</a></td>');
    expect(page).toContain('<td><a href="/leads/lead-dana">dana@acme.example</a></td>');
    expect(page).toContain('<a href="http://127.0.0.1:8005/">Your proposal from Acme</a>');
  });

  it('lists only the latest 20 emails and says how many there are', () => {
    // Prepare
    const emails = Array.from({ length: 25 }, (_, i) => ({
      to: `lead${i}@example.com`,
      subject: `Subject ${i}`,
      at: new Date(Date.UTC(2026, 11, 1 + i)).toISOString(),
    }));

    // Act
    const page = renderDashboard(dashboard({ emails }));

    // Assess
    expect(page).toContain('Subject 24');
    expect(page).toContain('Subject 5<');
    expect(page).not.toContain('Subject 4<');
    expect(textOf(page)).toContain('The latest 20 of 25.');
    expect(stats(page).Emails).toBe('25');
  });

  it('gives each cadence its numbers and response rate, with a dash where nobody was contacted', () => {
    // Prepare
    const model = dashboard();

    // Act
    const text = textOf(renderDashboard(model));

    // Assess
    expect(text).toContain('proposal 4 9 1 25% 1');
    expect(text).toContain('web-inquiry 0 0 0 — 0');
  });

  it('shows the clock and its speed-up', () => {
    // Prepare
    const model = dashboard({ speed: 86400 });

    // Act
    const text = textOf(renderDashboard(model));

    // Assess
    expect(text).toContain('Now Mon 21 Dec, 15:00 UTC · clock runs at 86,400× (a day passes in 1 s)');
  });

  it('teaches what to do next when there is nothing yet', () => {
    // Prepare
    const model = dashboard({
      leads: [],
      totals: { leads: 0, touchesSent: 0, replied: 0, won: 0, revenue: 0 },
      tasks: [],
      sms: [],
      emails: [],
      cadences: [],
    });

    // Act
    const page = renderDashboard(model);
    const text = textOf(page);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(text).toContain(
      'No leads yet — post the signup form at /form or run curl -X POST http://127.0.0.1:3000/leads',
    );
    expect(text).toContain('No calls or tasks due.');
    expect(text).toContain('No text messages yet.');
    expect(text).toContain('No emails sent yet.');
    expect(text).toContain('No cadence has enrolled anyone yet.');
    expect(stats(page)).toMatchObject({ Leads: '0', 'Touches sent': '0' });
  });
});

describe('renderDashboard: enrollments that cannot start', () => {
  const section = (page: string) => {
    const start = page.indexOf('<section aria-labelledby="unstarted-h">');
    return start < 0 ? '' : page.slice(start, page.indexOf('</section>', start));
  };
  const rows = (page: string) =>
    [...section(page).matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => textOf(m[1] ?? ''));

  it('lists each with its reason and attempts, stuck ones first, with when a retrying one is tried next', () => {
    // Prepare
    const model = dashboard({
      unstarted: [
        {
          leadId: DANA.id,
          leadName: 'Dana Whitaker',
          cadenceId: 'proposal',
          status: 'retrying',
          attempts: 2,
          reason: 'TransientError: Step Functions: ThrottlingException',
          retryAt: '2026-12-21T15:04:00.000Z',
          createdAt: '2026-12-21T14:55:00.000Z',
        },
        {
          leadId: MALLORY.id,
          leadName: XSS,
          cadenceId: 'web-inquiry',
          status: 'stuck',
          attempts: 2,
          reason: `StartRefused: AccessDeniedException: ${QUOTES}`,
          createdAt: '2026-12-21T14:00:00.000Z',
        },
      ],
    });

    // Act
    const page = renderDashboard(model);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(textOf(section(page))).toContain(
      'Enrollments that cannot start 2 leads get no follow-up until their cadence starts · 1 stuck .',
    );
    expect(rows(page)).toEqual([
      `${XSS} web-inquiry Stuck 2 StartRefused: AccessDeniedException: ${QUOTES} given up : fix the cause, then post the lead again`,
      'Dana Whitaker proposal Retrying 2 TransientError: Step Functions: ThrottlingException next try Mon 21 Dec, 09:04 CST',
    ]);
    expect(section(page)).toContain('<a href="/leads/lead-dana">Dana Whitaker</a>');
    expect(section(page)).not.toContain('<script>');
  });

  it('is not there while every enrollment has started', () => {
    // Act
    const page = renderDashboard(dashboard());

    // Assess
    expect(section(page)).toBe('');
    expect(page).not.toContain('cannot start');
  });
});
