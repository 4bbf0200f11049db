import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../functions/adapters/template-files.ts';
import type { Channel } from '../../functions/core/cadence-schema.ts';
import type { TemplateSource } from '../../functions/core/template-file.ts';
import { renderTemplate } from '../../functions/core/templates.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import { outcomeLinks } from '../../functions/domain/outcome-links.ts';
import { ownerTaskEmail } from '../../functions/domain/owner-task-email.ts';
import { templateContext } from '../../functions/domain/touch-delivery.ts';
import type { TouchSettings } from '../../functions/domain/touch-input.ts';
import { storedLead, TOUCH_SETTINGS } from '../support/handler-fixtures.ts';

/*
 * Lead data never becomes markup: whatever a lead typed as their name, company, note or interest, the HTML of every
 * shipped template (and of the rep's task email), and whatever a shop named a product in a cart, has exactly the `<`, `>` and `"` it has for a lead whose text has
 * letters in their place. Every one of those characters from the lead arrived escaped.
 */

const ROOT = new URL('../..', import.meta.url).pathname;

/** Each template the shipped cadences use, with the channel it is sent on. */
const USES: [string, Channel][] = [
  ...new Map(
    readdirSync(join(ROOT, 'cadences'))
      .filter((f) => f.endsWith('.json') && f !== 'cadence.schema.json')
      .flatMap((f) => {
        const cadence = JSON.parse(readFileSync(join(ROOT, 'cadences', f), 'utf8')) as {
          steps: { template: string; channel: Channel }[];
        };
        return cadence.steps.map((s) => [s.template, s.channel] as [string, Channel]);
      }),
  ),
];
const templates = new Map<string, TemplateSource>();
for (const [name] of USES) templates.set(name, await loadTemplate(join(ROOT, 'templates'), name));

const SETTINGS: TouchSettings = {
  ...TOUCH_SETTINGS,
  dashboardUrl: 'https://dash.northwind.example',
  apiBaseUrl: 'https://api.northwind.example',
};
const UNSUBSCRIBE = 'https://api.northwind.example/u/ld_x.sig';
const KEY = 'render-fuzz-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM';

/** Text a lead might type, dense in what HTML cares about. */
const typed = fc.oneof(
  fc.string({
    unit: fc.constantFrom('<', '>', '"', "'", '&', ' ', 'a', 'b', '/', '=', ':', '\n'),
    minLength: 1,
    maxLength: 40,
  }),
  fc.constantFrom(
    '<script>alert(document.cookie)</script>',
    '"><img src=x onerror=alert(1)>',
    "O'Brien & Sons <b>Ltd</b>",
    'https://evil.example/"onmouseover="alert(1)',
    '</p><a href="javascript:alert(1)">click</a>',
  ),
  fc.string({ maxLength: 40 }),
);

/** The same text with every HTML-significant character replaced by a letter. */
const neutral = (text: string) =>
  text.replace(/[<>"'&]/g, (c) => ({ '<': 'L', '>': 'G', '"': 'Q', "'": 'A', '&': 'N' })[c] as string);

const count = (html: string) => ({
  lt: html.split('<').length - 1,
  gt: html.split('>').length - 1,
  quot: html.split('"').length - 1,
});

interface Typed {
  name: string;
  company: string;
  note: string;
  interest: string;
  source: string;
  /** A shop's product name: the cart templates print it. */
  item: string;
}

function lead(fields: Typed, transform: (text: string) => string = (t) => t): Lead {
  return storedLead({
    email: 'jordan.alvarez@example.com',
    name: transform(fields.name),
    company: transform(fields.company),
    note: transform(fields.note),
    interest: transform(fields.interest),
    source: transform(fields.source),
    phone: '+13125550142',
    cart: {
      url: 'https://shop.northwind.example/cart/c-1',
      items: [{ name: transform(fields.item), quantity: 2, price: 19.5 }],
      total: 39,
      currency: 'USD',
    },
  });
}

/** The HTML a lead or a rep gets for this template: the email itself, or the rep's task email. */
function html(name: string, channel: Channel, subject: Lead): string | undefined {
  const source = templates.get(name) as TemplateSource;
  const ctx = templateContext(subject, SETTINGS, UNSUBSCRIBE);
  const message = renderTemplate(source, channel, ctx);
  if (channel === 'email') return message.html;
  if (channel === 'sms') return undefined;
  const event = {
    leadId: subject.leadId,
    enrollmentId: 'e-1',
    cadenceId: 'web-inquiry',
    stepIndex: 1,
    stepId: 'first-call',
    channel,
    template: name,
    scheduledAt: '2026-03-05T16:00:00Z',
  };
  const links = outcomeLinks(
    SETTINGS.apiBaseUrl as string,
    subject.leadId,
    KEY,
    new Date('2026-03-05T16:00:00Z'),
  );
  return ownerTaskEmail(subject, event, message, 'America/Chicago', SETTINGS, links).html;
}

describe('rendering with arbitrary lead data', () => {
  it.each(USES.filter(([, channel]) => channel !== 'sms'))(
    '%s (%s): no <, > or " from lead data in the HTML',
    (name, channel) => {
      fc.assert(
        fc.property(
          fc.record({
            name: typed,
            company: typed,
            note: typed,
            interest: typed,
            source: typed,
            item: typed,
          }),
          (fields) => {
            // Act
            const raw = html(name, channel, lead(fields)) as string;
            const safe = html(name, channel, lead(fields, neutral)) as string;

            // Assess
            expect(count(raw)).toEqual(count(safe));
            expect(raw).not.toMatch(/<script|<img|<b>|<a href="javascript/i);
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});
