import { describe, expect, it } from 'vitest';
import { CONSENT_WORDING, FORM_SNIPPET, renderSignupForm } from '../../../web/form.ts';
import { renderThanks } from '../../../web/thanks.ts';
import {
  blockContaining,
  decode,
  documentProblems,
  structureProblems,
  textOf,
} from '../../support/html-check.ts';
import { XSS } from '../../support/web-fixtures.ts';

function input(page: string, name: string): string | undefined {
  return new RegExp(`<input\\b[^>]*\\bname="${name}"[^>]*>`).exec(page)?.[0];
}

function attr(tag: string | undefined, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag ?? '')?.[1];
  return value === undefined ? undefined : decode(value);
}

describe('renderSignupForm', () => {
  it('posts the lead’s fields to /leads, with email required', () => {
    // Prepare
    const model = {};

    // Act
    const page = renderSignupForm(model);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(page).toContain('<form method="post" action="/leads"');
    expect(input(page, 'email')).toMatch(/type="email".* required/);
    expect(input(page, 'name')).toContain('autocomplete="name"');
    expect(input(page, 'company')).toContain('autocomplete="organization"');
    expect(input(page, 'phone')).toContain('type="tel"');
    expect(page).toMatch(/<textarea id="f-note" name="note"/);
    expect(page).not.toMatch(/<(input|textarea)[^>]*aria-invalid/);
    expect(page).not.toContain('role="alert"');
  });

  it('shows the SMS consent wording at its checkbox and submits the same words', () => {
    // Prepare
    const model = {};

    // Act
    const page = renderSignupForm(model);

    // Assess
    const checkbox = input(page, 'smsConsent');
    expect(attr(checkbox, 'type')).toBe('checkbox');
    expect(checkbox).not.toContain('checked');
    expect(textOf(blockContaining(page, 'div', 'consent', 'smsConsent') ?? '')).toBe(CONSENT_WORDING);
    expect(page).toContain(`<label for="f-sms">${CONSENT_WORDING.replace('&', '&amp;')}</label>`);
    expect(attr(input(page, 'consentText'), 'type')).toBe('hidden');
    expect(attr(input(page, 'consentText'), 'value')).toBe(CONSENT_WORDING);
    expect(CONSENT_WORDING).toMatch(/STOP.*HELP.*not a condition of purchase/);
  });

  it('fills a hidden time zone field from the browser and carries the cadence', () => {
    // Prepare
    const model = { cadence: 'web-inquiry' };

    // Act
    const page = renderSignupForm(model);

    // Assess
    expect(input(page, 'timezone')).toBe('<input type="hidden" name="timezone" id="f-timezone" value="">');
    expect(page).toContain("document.getElementById('f-timezone')");
    expect(page).toContain('Intl.DateTimeFormat().resolvedOptions().timeZone');
    expect(input(page, 'cadence')).toBe('<input type="hidden" name="cadence" value="web-inquiry">');
    expect(input(renderSignupForm({}), 'cadence')).toBeUndefined();
  });

  it('has a honeypot that people neither see, reach with the keyboard, hear nor autofill', () => {
    // Prepare
    const model = {};

    // Act
    const page = renderSignupForm(model);

    // Assess
    const honeypot = input(page, 'website');
    expect(attr(honeypot, 'tabindex')).toBe('-1');
    expect(attr(honeypot, 'autocomplete')).toBe('off');
    expect(blockContaining(page, 'div', 'hp', 'name="website"')).toMatch(
      /^<div class="hp" aria-hidden="true">/,
    );
    expect(page).toMatch(/\.hp \{ position: absolute; left: -10000px;/);
  });

  it('shows each error next to its field, marks the field invalid and keeps what was typed', () => {
    // Prepare
    const model = {
      values: {
        email: 'dana@',
        name: 'Dana',
        phone: '555',
        smsConsent: 'on',
        note: 'Need a roof quote',
        timezone: 'America/Chicago',
      },
      errors: {
        email: 'is not an email address; use e.g. jordan@example.com',
        phone: 'is not a phone number; include the area code',
      },
    };

    // Act
    const page = renderSignupForm(model);

    // Assess
    expect(documentProblems(page)).toEqual([]);
    const email = blockContaining(page, 'div', 'field', 'name="email"') ?? '';
    expect(textOf(email)).toContain('Email is not an email address; use e.g. jordan@example.com');
    expect(attr(input(email, 'email'), 'aria-invalid')).toBe('true');
    expect(attr(input(email, 'email'), 'aria-describedby')).toBe('f-email-error');
    expect(email).toContain('<p class="field-error" id="f-email-error">');
    expect(attr(input(email, 'email'), 'value')).toBe('dana@');

    const phone = blockContaining(page, 'div', 'field', 'name="phone"') ?? '';
    expect(textOf(phone)).toContain('Phone is not a phone number; include the area code');
    expect(attr(input(phone, 'phone'), 'aria-describedby')).toBe('f-phone-error f-phone-hint');

    expect(attr(input(page, 'name'), 'aria-invalid')).toBeUndefined();
    expect(attr(input(page, 'name'), 'value')).toBe('Dana');
    expect(input(page, 'smsConsent')).toContain(' checked');
    expect(page).toContain('>Need a roof quote</textarea>');
    expect(attr(input(page, 'timezone'), 'value')).toBe('America/Chicago');
    expect(page).toContain('<title>Please fix the form · Followup</title>');
  });

  it('sums the errors up at the top, linking each to its field', () => {
    // Prepare
    const model = {
      errors: {
        email: 'is required; enter an email address, e.g. jordan@example.com',
        consentText: 'is required with smsConsent: send the consent wording the form showed',
        body: 'Something about the post as a whole.',
      },
    };

    // Act
    const page = renderSignupForm(model);

    // Assess
    const summary = blockContaining(page, 'div', 'error-summary', 'Please fix') ?? '';
    expect(summary).toContain('role="alert"');
    expect(textOf(summary)).toBe(
      'Please fix these 3 things Email is required; enter an email address, e.g. jordan@example.com Consent wording is required with smsConsent: send the consent wording the form showed Something about the post as a whole.',
    );
    expect(summary).toContain('<a href="#f-email">');
    expect(summary).toContain('<a href="#f-sms">');
    expect(attr(input(page, 'smsConsent'), 'aria-invalid')).toBe('true');
    expect(page.indexOf('error-summary')).toBeLessThan(page.indexOf('<form'));
  });

  it('shows a message for the whole form', () => {
    // Prepare
    const model = { message: 'We could not save your details just now. Please try again.' };

    // Act
    const text = textOf(renderSignupForm(model));

    // Assess
    expect(text).toContain('We could not save your details just now. Please try again.');
  });

  it('escapes the values it keeps', () => {
    // Prepare
    const hostile = `"><script>alert(1)</script>`;
    const model = {
      cadence: hostile,
      values: { email: hostile, name: XSS, note: `</textarea>${XSS}` },
      errors: { name: XSS },
    };

    // Act
    const page = renderSignupForm(model);

    // Assess
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('"><');
    expect(documentProblems(page)).toEqual([]);
    expect(attr(input(page, 'email'), 'value')).toBe(hostile);
  });
});

describe('FORM_SNIPPET', () => {
  it('is a form to paste into a site, posting to the deployed API with the honeypot, zone and consent', () => {
    // Prepare
    const snippet = FORM_SNIPPET;

    // Act
    const problems = structureProblems(snippet);

    // Assess
    expect(problems).toEqual([]);
    expect(snippet).toMatch(/^<form method="post" action="https:\/\/YOUR-API\/leads">/);
    expect(attr(input(snippet, 'consentText'), 'value')).toBe(CONSENT_WORDING);
    expect(input(snippet, 'website')).toContain('tabindex="-1"');
    expect(input(snippet, 'timezone')).toContain('type="hidden"');
    expect(snippet).toContain('Intl.DateTimeFormat().resolvedOptions().timeZone');
    expect(input(snippet, 'email')).toContain('required');
  });
});

describe('renderThanks', () => {
  it('is a friendly, complete page', () => {
    // Prepare
    const expected = 'Thank you — we got your message';

    // Act
    const page = renderThanks();

    // Assess
    expect(documentProblems(page)).toEqual([]);
    expect(textOf(page)).toContain(expected);
    expect(page).toContain('<title>Thank you · Followup</title>');
  });
});
