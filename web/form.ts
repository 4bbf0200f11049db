import { html, raw, type SafeHtml } from '../functions/core/html.ts';
import { page } from './layout.ts';
import type { FormModel } from './model.ts';

/*
 * The example signup form a business copies. It posts the fields the intake validates (email, name, company, phone,
 * smsConsent with the exact consent wording, timezone, note, cadence) plus a honeypot that only bots fill.
 */

/** The words a lead agrees to by ticking the SMS box; they are submitted with the form and stored as proof. */
export const CONSENT_WORDING =
  'Yes, text me about my inquiry. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of purchase.';

/** Fills the hidden time zone field so times are sent in the lead's own zone. */
const TIMEZONE_SCRIPT = raw(`
(() => {
  const field = document.getElementById('f-timezone');
  try { if (field && !field.value) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch {}
})();
`);

interface Field {
  readonly name: string;
  readonly label: string;
  readonly type: 'email' | 'text' | 'tel';
  readonly autocomplete: string;
  readonly maxlength: number;
  readonly required?: boolean;
  readonly hint?: string;
}

const FIELDS: readonly Field[] = [
  { name: 'email', label: 'Email', type: 'email', autocomplete: 'email', maxlength: 254, required: true },
  { name: 'name', label: 'Name', type: 'text', autocomplete: 'name', maxlength: 200 },
  { name: 'company', label: 'Company', type: 'text', autocomplete: 'organization', maxlength: 200 },
  {
    name: 'phone',
    label: 'Phone',
    type: 'tel',
    autocomplete: 'tel',
    maxlength: 40,
    hint: 'Only needed if you would like a text or a call.',
  },
];

/** Labels for the fields an error can name; consentText errors are shown at the consent checkbox. */
const LABELS: Readonly<Record<string, string>> = {
  email: 'Email',
  name: 'Name',
  company: 'Company',
  phone: 'Phone',
  smsConsent: 'Text message consent',
  consentText: 'Consent wording',
  timezone: 'Time zone',
  note: 'Message',
  cadence: 'Follow-up',
};

/** Where each error is shown: the id of its field on the page, if it has one. */
const ANCHORS: Readonly<Record<string, string>> = {
  email: 'f-email',
  name: 'f-name',
  company: 'f-company',
  phone: 'f-phone',
  smsConsent: 'f-sms',
  consentText: 'f-sms',
  note: 'f-note',
};

/** The intake words errors as a predicate ("is required; …"): lead with the field's label to make a sentence. */
function sentence(field: string, message: string): string {
  const label = LABELS[field] ?? field;
  return /^[a-z]/.test(message) ? `${label} ${message}` : message;
}

const CHECKED = new Set(['on', 'true', 'yes', '1']);

function errorSummary(errors: Readonly<Record<string, string>>): SafeHtml | '' {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary">
<h2>${entries.length === 1 ? 'Please fix this' : `Please fix these ${entries.length} things`}</h2>
<ul>${entries.map(([field, message]) => {
    const anchor = ANCHORS[field];
    const text = sentence(field, message);
    return html`<li>${anchor ? html`<a href="#${anchor}">${text}</a>` : text}</li>`;
  })}</ul>
</div>`;
}

/** The id of the error message describing `anchor`'s field, when there is one. */
function errorIdFor(anchor: string, errors: Readonly<Record<string, string>>): string | undefined {
  return Object.keys(errors).some((field) => ANCHORS[field] === anchor) ? `${anchor}-error` : undefined;
}

function errorMessages(anchor: string, errors: Readonly<Record<string, string>>): SafeHtml | '' {
  const messages = Object.entries(errors)
    .filter(([field]) => ANCHORS[field] === anchor)
    .map(([field, message]) => sentence(field, message));
  if (messages.length === 0) return '';
  return html`<p class="field-error" id="${anchor}-error">${messages.join(' ')}</p>`;
}

function describedBy(...ids: readonly (string | undefined)[]): SafeHtml | '' {
  const list = ids.filter((id): id is string => id !== undefined);
  return list.length > 0 ? html` aria-describedby="${list.join(' ')}"` : '';
}

function inputField(
  f: Field,
  values: Readonly<Record<string, string>>,
  errors: Readonly<Record<string, string>>,
) {
  const id = `f-${f.name}`;
  const errorId = errorIdFor(id, errors);
  const hintId = f.hint ? `${id}-hint` : undefined;
  return html`<div class="field">
<label for="${id}">${f.label}${f.required ? html` <span class="req">(required)</span>` : ''}</label>
${f.hint ? html`<p class="hint" id="${hintId}">${f.hint}</p>` : ''}
${errorMessages(id, errors)}
<input id="${id}" name="${f.name}" type="${f.type}" autocomplete="${f.autocomplete}" maxlength="${f.maxlength}" value="${values[f.name] ?? ''}"${f.required ? html` required` : ''}${errorId ? html` aria-invalid="true"` : ''}${describedBy(errorId, hintId)}>
</div>`;
}

function consentField(values: Readonly<Record<string, string>>, errors: Readonly<Record<string, string>>) {
  const errorId = errorIdFor('f-sms', errors);
  const checked = CHECKED.has((values.smsConsent ?? '').toLowerCase());
  return html`<div class="field consent">
${errorMessages('f-sms', errors)}
<input id="f-sms" name="smsConsent" type="checkbox" value="on"${checked ? html` checked` : ''}${errorId ? html` aria-invalid="true"` : ''}${describedBy(errorId)}>
<label for="f-sms">${CONSENT_WORDING}</label>
<input type="hidden" name="consentText" value="${CONSENT_WORDING}">
</div>`;
}

function noteField(values: Readonly<Record<string, string>>, errors: Readonly<Record<string, string>>) {
  const errorId = errorIdFor('f-note', errors);
  return html`<div class="field">
<label for="f-note">Message <span class="muted">(optional)</span></label>
${errorMessages('f-note', errors)}
<textarea id="f-note" name="note" rows="4" maxlength="2000"${errorId ? html` aria-invalid="true"` : ''}${describedBy(errorId)}>${values.note ?? ''}</textarea>
</div>`;
}

/** Only bots fill it: off-screen, out of the tab order, hidden from assistive technology, never autofilled. */
const HONEYPOT = html`<div class="hp" aria-hidden="true">
<label for="f-website">Website</label>
<input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value="">
</div>`;

/** The example signup form at `/form`, re-rendered with the submitted values and field errors when they fail. */
export function renderSignupForm(model: FormModel): string {
  const values = model.values ?? {};
  const errors = model.errors ?? {};
  const cadence = model.cadence ?? values.cadence;
  const main = html`<div class="form-page">
<h1>Tell us what you need</h1>
<p class="lede">Leave your details and we will get back to you within one business day.</p>
${model.message ? html`<p class="notice" role="status">${model.message}</p>` : ''}
${errorSummary(errors)}
<form method="post" action="/leads" class="card signup">
${FIELDS.map((f) => inputField(f, values, errors))}
${consentField(values, errors)}
${noteField(values, errors)}
<input type="hidden" name="timezone" id="f-timezone" value="${values.timezone ?? ''}">
${cadence ? html`<input type="hidden" name="cadence" value="${cadence}">` : ''}
${HONEYPOT}
<button type="submit" class="btn btn-primary">Send</button>
</form>
<p class="muted">This is the example form of your local Followup. Copy it to your site: the snippet is in the README, posting to <code>https://YOUR-API/leads</code>.</p>
</div>`;
  return page({
    title: Object.keys(errors).length > 0 ? 'Please fix the form' : 'Signup form',
    current: 'form',
    main,
    script: TIMEZONE_SCRIPT,
  });
}

/** A minimal form to paste into a website; replace YOUR-API with the API URL `cdk deploy` prints. */
export const FORM_SNIPPET = html`<form method="post" action="https://YOUR-API/leads">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required>

  <label for="name">Name</label>
  <input id="name" name="name" type="text" autocomplete="name">

  <label for="company">Company</label>
  <input id="company" name="company" type="text" autocomplete="organization">

  <label for="phone">Phone</label>
  <input id="phone" name="phone" type="tel" autocomplete="tel">

  <input id="sms" name="smsConsent" type="checkbox" value="on">
  <label for="sms">${CONSENT_WORDING}</label>
  <input type="hidden" name="consentText" value="${CONSENT_WORDING}">

  <label for="note">Message</label>
  <textarea id="note" name="note" rows="4"></textarea>

  <input type="hidden" name="timezone" id="timezone">
  <div style="position:absolute;left:-10000px" aria-hidden="true">
    <input name="website" type="text" tabindex="-1" autocomplete="off">
  </div>

  <button type="submit">Send</button>
</form>
<script>
  document.getElementById('timezone').value = Intl.DateTimeFormat().resolvedOptions().timeZone;
</script>`.value;
