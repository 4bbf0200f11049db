import type { DashboardModel, LeadPageModel, LeadRow } from '../../web/model.ts';

/* Realistic data for the pages: a Monday afternoon with a handful of leads in different states. */

export const NOW = '2026-12-21T15:00:00.000Z'; // Mon 21 Dec 2026, 09:00 in Chicago
export const XSS = '<script>alert(1)</script>';
export const QUOTES = 'Tom & "Jerry"';

export const DANA: LeadRow = {
  id: 'lead-dana',
  email: 'dana@acme.example',
  name: 'Dana Whitaker',
  company: 'Acme Roofing',
  phone: '+13125550142',
  status: 'active',
  owner: 'Sam Rivera',
  zone: 'America/Chicago',
  cadence: 'proposal',
  lastContactAt: '2026-12-18T15:00:00.000Z',
  lastChannel: 'email',
  nextTouchAt: '2026-12-22T15:00:00.000Z',
  touchCount: 2,
  createdAt: '2026-12-17T15:00:00.000Z',
  smsConsentAt: '2026-12-17T15:00:00.000Z',
};

export const MALLORY: LeadRow = {
  id: 'lead-<mallory>',
  email: 'mallory@evil.example',
  name: XSS,
  company: QUOTES,
  status: 'replied',
  cadence: 'web-inquiry',
  touchCount: 1,
  lastContactAt: '2026-12-20T15:00:00.000Z',
  lastChannel: 'sms',
  createdAt: '2026-12-19T15:00:00.000Z',
};

export const WON: LeadRow = {
  id: 'lead-won',
  email: 'pat@bakery.example',
  status: 'won',
  owner: 'Sam Rivera',
  cadence: 'proposal',
  touchCount: 4,
  createdAt: '2026-11-30T15:00:00.000Z',
  dealValue: 12400,
};

export function dashboard(overrides: Partial<DashboardModel> = {}): DashboardModel {
  return {
    now: NOW,
    leads: [DANA, MALLORY, WON],
    paging: {},
    totals: { leads: 3, touchesSent: 7, replied: 1, won: 1, revenue: 12400 },
    unstarted: [],
    tasks: [
      {
        leadId: DANA.id,
        leadName: 'Dana Whitaker',
        title: 'Walkthrough call',
        script: 'Hi Dana, this is Sam from Acme.\nAsk whether the proposal answers the roof question.',
        channel: 'call',
        dueAt: '2026-12-21T14:00:00.000Z',
        createdAt: '2026-12-21T14:00:00.000Z',
      },
      {
        leadId: MALLORY.id,
        leadName: XSS,
        title: QUOTES,
        script: XSS,
        channel: 'task',
        dueAt: '2026-12-23T15:00:00.000Z',
        createdAt: '2026-12-20T15:00:00.000Z',
      },
    ],
    sms: [{ to: '+13125550142', body: `Hi ${XSS}, quick question`, at: '2026-12-20T16:00:00.000Z' }],
    emails: [
      { to: DANA.email, subject: 'Your proposal from Acme', at: '2026-12-17T15:01:00.000Z' },
      { to: MALLORY.email, subject: QUOTES, at: '2026-12-19T15:01:00.000Z' },
    ],
    cadences: [
      { cadence: 'proposal', contacted: 4, touchesSent: 9, replies: 1, won: 1 },
      { cadence: 'web-inquiry', contacted: 0, touchesSent: 0, replies: 0, won: 0 },
    ],
    mailboxUrl: 'http://127.0.0.1:8005/',
    ...overrides,
  };
}

export function leadPage(overrides: Partial<LeadPageModel> = {}): LeadPageModel {
  return {
    now: NOW,
    lead: DANA,
    enrollments: [
      {
        enrollmentId: 'enr-1',
        cadenceId: 'proposal',
        enrolledAt: '2026-12-17T15:00:00.000Z',
        status: 'started',
      },
    ],
    schedule: [
      { step: 'proposal', channel: 'email', template: 'proposal-sent', at: '2026-12-17T15:00:00.000Z' },
      {
        step: 'did-you-get-it',
        channel: 'email',
        template: 'proposal-received',
        at: '2026-12-18T15:00:00.000Z',
      },
      { step: 'text', channel: 'sms', template: 'quick-text', at: '2026-12-18T16:00:00.000Z' },
      {
        step: 'walkthrough-call',
        channel: 'call',
        template: 'walkthrough-call',
        at: '2026-12-23T15:00:00.000Z',
      },
      {
        step: 'close-the-file',
        channel: 'email',
        template: 'close-the-file',
        at: '2026-12-28T15:00:00.000Z',
      },
    ],
    touches: [
      {
        step: 'proposal',
        channel: 'email',
        template: 'proposal-sent',
        status: 'sent',
        at: '2026-12-17T15:00:05.000Z',
      },
      {
        step: 'did-you-get-it',
        channel: 'email',
        template: 'proposal-received',
        status: 'sent',
        at: '2026-12-18T15:00:03.000Z',
      },
      {
        step: 'text',
        channel: 'sms',
        template: 'quick-text',
        status: 'skipped',
        reason: 'frequency cap: 2 touches in 24 hours',
        at: '2026-12-18T16:00:01.000Z',
      },
    ],
    mailboxUrl: 'http://127.0.0.1:8005/',
    ...overrides,
  };
}
