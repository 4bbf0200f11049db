import { describe, expect, it } from 'vitest';
import { capReached, parseFrequencyCap } from '../../../../functions/domain/frequency-cap.ts';
import {
  exitReason,
  isNurtureCadence,
  leadIdFor,
  suppressionKey,
} from '../../../../functions/domain/lead.ts';
import { parseSubmission } from '../../../../functions/domain/lead-input.ts';

describe('lead identity', () => {
  it('derives one id from every spelling of an email, and never shows the address', () => {
    // Prepare
    const spellings = ['Jordan@Example.com', ' jordan@example.com ', 'JORDAN@EXAMPLE.COM'];

    // Act
    const ids = new Set(spellings.map(leadIdFor));

    // Assess
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^ld_[0-9a-f]{24}$/);
    expect(suppressionKey('Jordan@Example.com')).toBe(suppressionKey('jordan@example.com'));
    expect(suppressionKey('+13125550142')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('exit rules', () => {
  const inquiry = { id: 'web-inquiry', then: 'quarterly-nurture' };

  it('keeps active leads, and nurture leads only in a nurture cadence', () => {
    expect(exitReason('active', inquiry)).toBeUndefined();
    expect(exitReason('nurture', inquiry)).toBe('lead is nurture');
    expect(exitReason('nurture', { id: 'quarterly-nurture', then: 'quarterly-nurture' })).toBeUndefined();
    expect(exitReason('nurture', { id: 'monthly', then: 'monthly' })).toBeUndefined();
    expect(isNurtureCadence({ id: 'monthly', then: 'monthly' })).toBe(true);
  });

  it('exits on a status whose signal the cadence lists, and always on a rep decision', () => {
    const cart = { id: 'abandoned-cart', exitOn: ['conversion' as const] };
    expect(exitReason('replied', inquiry)).toBe('lead is replied');
    expect(exitReason('replied', cart)).toBeUndefined();
    expect(exitReason('won', cart)).toBe('lead is won');
    expect(exitReason('lost', cart)).toBe('lead is lost');
    expect(exitReason('snoozed', cart)).toBe('lead is snoozed');
  });
});

describe('frequency cap', () => {
  it('parses "<n> per <d> days" and counts only sends inside the window', () => {
    // Prepare
    const cap = parseFrequencyCap('2 per 7 days');
    const now = new Date('2026-03-10T12:00:00Z');

    // Act
    const inside = capReached(
      ['2026-03-09T12:00:00.000Z|a', '2026-03-04T12:00:00.000Z|b'],
      cap ?? { count: 0, days: 0 },
      now,
    );
    const outside = capReached(
      ['2026-03-09T12:00:00.000Z|a', '2026-03-02T12:00:00.000Z|b'],
      cap ?? { count: 0, days: 0 },
      now,
    );

    // Assess
    expect(cap).toEqual({ count: 2, days: 7 });
    expect(parseFrequencyCap('1 per 1 day')).toEqual({ count: 1, days: 1 });
    expect(parseFrequencyCap('three a week')).toBeUndefined();
    expect([inside, outside]).toEqual([true, false]);
  });
});

describe('signup validation', () => {
  const options = {
    allowedCadences: ['web-inquiry'],
    defaultCadence: 'web-inquiry',
    now: new Date('2026-03-04T15:00:00Z'),
  };

  it('normalizes the email and the phone (E.164, US by default) and keeps consent with its wording and page', () => {
    // Prepare
    const body = {
      email: ' Pat@Example.COM ',
      phone: '312.555.0142',
      smsConsent: ['off', 'on'],
      consentText: 'Texts OK',
      utm_campaign: 'spring',
    };

    // Act
    const result = parseSubmission(body, { ...options, page: 'https://www.northwind.example/contact' });

    // Assess
    expect(result).toEqual({
      kind: 'lead',
      cadenceId: 'web-inquiry',
      profile: {
        email: 'pat@example.com',
        phone: '+13125550142',
        source: 'https://www.northwind.example/contact',
        utm: { campaign: 'spring' },
        smsConsent: {
          at: '2026-03-04T15:00:00.000Z',
          source: 'https://www.northwind.example/contact',
          wording: 'Texts OK',
        },
      },
    });
  });

  it('accepts international numbers and treats empty fields as absent', () => {
    // Prepare
    const body = { email: 'a@example.co.uk', phone: '+44 20 7946 0958', name: '  ', timezone: '' };

    // Act
    const result = parseSubmission(body, options);

    // Assess
    expect(result).toEqual({
      kind: 'lead',
      cadenceId: 'web-inquiry',
      profile: { email: 'a@example.co.uk', phone: '+442079460958' },
    });
  });

  it('rejects a body that is not an object of fields', () => {
    expect(parseSubmission(['email'], options)).toEqual({
      kind: 'invalid',
      errors: { body: expect.any(String) },
    });
  });
});
