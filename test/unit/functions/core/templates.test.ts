import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate, templateExists } from '../../../../functions/adapters/template-files.ts';
import {
  leadVariables,
  SAMPLE_CONTEXT,
  SPARSE_CONTEXT,
  type TemplateContext,
} from '../../../../functions/core/template-context.ts';
import {
  parseTemplate,
  TemplateInvalid,
  TemplateNotFound,
  type TemplateSource,
} from '../../../../functions/core/template-file.ts';
import { checkTemplate, renderTemplate, TemplateRenderError } from '../../../../functions/core/templates.ts';

const email = (body: string, subject = 'A subject'): TemplateSource => ({ name: 'demo', subject, body });
const withLead = (lead: Partial<TemplateContext['lead']>): TemplateContext => ({
  ...SAMPLE_CONTEXT,
  lead: { ...SAMPLE_CONTEXT.lead, ...lead },
});
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
};
/** What is left of the HTML once the tags the renderer itself writes are removed. */
const withoutOwnTags = (html: string) =>
  html.replace(/<\/?p( style="[^"]*")?>|<br>|<a href="[^"<>]*">|<\/a>/g, '');

describe('parseTemplate', () => {
  it('reads subject and value from the front matter and keeps the body as written', () => {
    // Prepare
    const text = '---\nsubject: Your proposal\nvalue: the proposal itself\n---\nHi {{ lead.firstName }},\n';

    // Act
    const source = parseTemplate('proposal-sent', text);

    // Assess
    expect(source).toEqual({
      name: 'proposal-sent',
      subject: 'Your proposal',
      value: 'the proposal itself',
      body: 'Hi {{ lead.firstName }},\n',
    });
  });

  it('takes a file with no front matter as all body', () => {
    // Act
    const source = parseTemplate('call', 'Ask about timing.\n');

    // Assess
    expect(source).toEqual({ name: 'call', body: 'Ask about timing.\n' });
  });

  it('rejects an unknown front-matter key, naming the file and suggesting the key meant', () => {
    // Act
    const error = thrown(() => parseTemplate('intro', '---\nsubjet: Hello\n---\nBody'));

    // Assess
    expect(error).toBeInstanceOf(TemplateInvalid);
    expect(error.name).toBe('TemplateInvalid');
    expect(error.message).toBe('intro.liquid: front matter: unknown key "subjet"; did you mean "subject"?');
  });

  it('rejects front matter that is never closed', () => {
    // Act
    const error = thrown(() => parseTemplate('intro', '---\nsubject: Hello\nBody'));

    // Assess
    expect(error.message).toMatch(/^intro\.liquid: .*never closed/);
  });

  it('says to quote a value whose Liquid YAML cannot read', () => {
    // Act
    const error = thrown(() =>
      parseTemplate('intro', '---\nsubject: Hi {{ lead.name | default: "there" }}\n---\nBody'),
    );

    // Assess
    expect(error).toBeInstanceOf(TemplateInvalid);
    expect(error.message).toContain('single quotes');
  });

  it('rejects a value that is not text', () => {
    // Act
    const error = thrown(() => parseTemplate('intro', '---\nsubject:\n  - a\n  - b\n---\nBody'));

    // Assess
    expect(error.message).toBe(
      'intro.liquid: front matter: "subject" must be text on one line; put it in quotes',
    );
  });
});

describe('leadVariables', () => {
  it('falls back to "there" when the lead gave no name', () => {
    // Act
    const lead = leadVariables({ email: 'a@example.com', name: '   ', company: null });

    // Assess
    expect(lead).toEqual({ firstName: 'there', email: 'a@example.com' });
  });

  it('takes the first word of the name and leaves empty fields out', () => {
    // Act
    const lead = leadVariables({
      email: 'a@example.com',
      name: ' Maria  Lopez ',
      company: 'Lopez Co',
      note: '',
    });

    // Assess
    expect(lead).toEqual({
      firstName: 'Maria',
      name: 'Maria  Lopez',
      email: 'a@example.com',
      company: 'Lopez Co',
    });
  });

  it('renders "Hi there," for a lead with only an email', () => {
    // Prepare
    const ctx = { ...SPARSE_CONTEXT, lead: leadVariables({ email: 'a@example.com' }) };

    // Act
    const message = renderTemplate(email('Hi {{ lead.firstName }},'), 'email', ctx);

    // Assess
    expect(message.text.startsWith('Hi there,\n')).toBe(true);
  });
});

describe('renderTemplate', () => {
  it('renders the subject on one line and the body with the sample lead', () => {
    // Prepare
    const source = email('Hi {{ lead.firstName }},\n\nAbout {{ lead.company }}.', 'For\n{{ lead.company }}');

    // Act
    const message = renderTemplate(source, 'email', SAMPLE_CONTEXT);

    // Assess
    expect(message.subject).toBe('For Alvarez Landscaping');
    expect(message.text.startsWith('Hi Jordan,\n\nAbout Alvarez Landscaping.\n\n')).toBe(true);
  });

  it('throws TemplateRenderError naming a variable that does not exist, and the ones that do', () => {
    // Act
    const error = thrown(() => renderTemplate(email('Hi {{ lead.frist_name }}'), 'email', SAMPLE_CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.name).toBe('TemplateRenderError');
    expect(error.message).toContain('template "demo"');
    expect(error.message).toContain('unknown variable "lead.frist_name"');
    expect(error.message).toContain('lead has: firstName, name, email, company, note');
    expect((error as TemplateRenderError).variable).toBe('lead.frist_name');
  });

  it('throws rather than leave a blank when this lead has no value for a field', () => {
    // Act
    const error = thrown(() => renderTemplate(email('About {{ lead.company }}.'), 'email', SPARSE_CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.message).toContain('lead.company has no value');
    expect(error.message).toContain('{% if lead.company %}');
  });

  it('lets a guarded field be missing', () => {
    // Act
    const message = renderTemplate(
      email('Hello{% if lead.company %} from {{ lead.company }}{% endif %}.'),
      'email',
      SPARSE_CONTEXT,
    );

    // Assess
    expect(message.text.startsWith('Hello.\n')).toBe(true);
  });

  it('escapes a lead name that carries a script, in the HTML body', () => {
    // Prepare
    const ctx = withLead({ name: '<script>alert(1)</script>' });

    // Act
    const message = renderTemplate(email('Dear {{ lead.name }},'), 'email', ctx);

    // Assess
    expect(message.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(message.html).not.toContain('<script');
    expect(message.text).toContain('Dear <script>alert(1)</script>,');
  });

  it('escapes a lead name beside a link, and markup in the unsubscribe link of the footer', () => {
    // Prepare
    const ctx = {
      ...withLead({ name: '<img src=x onerror=alert(1)>' }),
      unsubscribeUrl: 'https://u.example/u/"><img/src=x/onerror=alert(1)>',
    };

    // Act
    const message = renderTemplate(
      email('Hi {{ lead.name }}, see https://example.com/p?a=1&b=2 today.'),
      'email',
      ctx,
    );

    // Assess
    expect(message.html).toBe(
      '<p>Hi &lt;img src=x onerror=alert(1)&gt;, see <a href="https://example.com/p?a=1&amp;b=2">https://example.com/p?a=1&amp;b=2</a> today.</p>\n' +
        '<p style="margin-top:24px;color:#6b7280;font-size:12px">Northwind Supply, 400 N Wells St, Suite 200, Chicago, IL 60654<br>\n' +
        'Don\'t want these emails? <a href="https://u.example/u/&quot;&gt;&lt;img/src=x/onerror=alert(1)&gt;">Unsubscribe</a></p>',
    );
  });

  it('escapes ampersands and quotes from lead data', () => {
    // Prepare
    const ctx = withLead({ company: 'Tom & "Jerry"' });

    // Act
    const message = renderTemplate(email('For {{ lead.company }}.'), 'email', ctx);

    // Assess
    expect(message.html).toContain('For Tom &amp; &quot;Jerry&quot;.');
    expect(message.subject).toBe('A subject');
  });

  it('turns blank lines into paragraphs, single newlines into <br> and URLs into links', () => {
    // Act
    const message = renderTemplate(
      email('One\ntwo\n\nSee https://example.com/a?b=1&c=2.'),
      'email',
      SAMPLE_CONTEXT,
    );

    // Assess
    expect(message.html).toContain('<p>One<br>\ntwo</p>\n<p>See ');
    expect(message.html).toContain(
      '<a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>.</p>',
    );
  });

  it('appends the postal address and an unsubscribe link to text and HTML', () => {
    // Act
    const message = renderTemplate(email('Hello.'), 'email', SAMPLE_CONTEXT);

    // Assess
    const address = 'Northwind Supply, 400 N Wells St, Suite 200, Chicago, IL 60654';
    expect(message.text).toBe(
      `Hello.\n\n--\n${address}\nDon't want these emails? Unsubscribe: ${SAMPLE_CONTEXT.unsubscribeUrl}`,
    );
    expect(message.html).toContain(address);
    expect(message.html).toContain(`<a href="${SAMPLE_CONTEXT.unsubscribeUrl}">Unsubscribe</a>`);
  });

  it('refuses to send an email without a postal address', () => {
    // Prepare
    const ctx = { ...SAMPLE_CONTEXT, business: { ...SAMPLE_CONTEXT.business, postalAddress: ' ' } };

    // Act
    const error = thrown(() => renderTemplate(email('Hello.'), 'email', ctx));

    // Assess
    expect(error.message).toContain('business.postalAddress is empty');
  });

  it('keeps an SMS to its text, with no footer and no HTML', () => {
    // Act
    const message = renderTemplate(
      { name: 'text', body: 'Hi {{ lead.firstName }}.\n' },
      'sms',
      SAMPLE_CONTEXT,
    );

    // Assess
    expect(message).toEqual({ text: 'Hi Jordan.' });
  });

  it('throws TemplateInvalid for an email template with no subject', () => {
    // Act
    const error = thrown(() => renderTemplate({ name: 'nosub', body: 'Hi' }, 'email', SAMPLE_CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(TemplateInvalid);
  });

  it('formats cart prices with the money filter', () => {
    // Act
    const message = renderTemplate(
      email(
        '{% for item in cart.items %}{{ item.name }}: {{ item.price | money: cart.currency }}\n{% endfor %}',
      ),
      'email',
      SAMPLE_CONTEXT,
    );

    // Assess
    expect(message.text).toContain('Cedar planter box, large: $49.00\nDrip irrigation kit: $34.50');
  });

  it('never lets lead data put markup in the HTML', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (name, company, note) => {
        // Prepare
        const ctx = withLead({ name, company, note });
        const source = email(
          '{{ lead.name }}\n\n{{ lead.company }} {{ lead.note }}\nhttps://x.example/{{ lead.name }}',
        );

        // Act
        const html = renderTemplate(source, 'email', ctx).html ?? '';

        // Assess
        expect(withoutOwnTags(html)).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('renderTemplate: values are checked by type, not by what they read', () => {
  it('sends a lead whose name and company are the text "[object Object]" their email', () => {
    // Prepare
    const ctx = {
      ...SAMPLE_CONTEXT,
      lead: leadVariables({ email: 'a@example.com', name: '[object Object]', company: '[object Object]' }),
    };
    const source = email('Hello {{ lead.name }} at {{ lead.company }}.', 'For {{ lead.company }}');

    // Act
    const message = renderTemplate(source, 'email', ctx);

    // Assess
    expect(message.subject).toBe('For [object Object]');
    expect(message.text.startsWith('Hello [object Object] at [object Object].\n')).toBe(true);
  });

  it('prints any text a lead typed, whatever it spells', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        // Prepare
        const name = `${before}[object Object]${after}`;

        // Act
        const message = renderTemplate(email('{{ lead.name }}|'), 'sms', withLead({ name }));

        // Assess
        expect(message.text).toContain('[object Object]');
      }),
    );
  });

  it.each([
    ['{{ owner }}', 'a group of fields'],
    ['{{ owner | raw }}', 'a group of fields'],
    ['{% echo business %}', 'a group of fields'],
    ['{{ cart.items }}', 'a list of groups of fields'],
    ['{% for item in cart.items %}{{ item }}{% endfor %}', 'a group of fields'],
  ])('refuses %s, a group printed whole, saying to print one field', (body, kind) => {
    // Act
    const error = thrown(() => renderTemplate(email(body), 'email', SAMPLE_CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.message).toContain(`${kind} was printed whole (body line 1`);
    expect(error.message).toContain('print one field, e.g. {{ lead.firstName }}');
  });

  it('prints a list of text as Liquid does', () => {
    // Act
    const message = renderTemplate(
      email('{{ cart.items | map: "name" | join: ", " }}'),
      'sms',
      SAMPLE_CONTEXT,
    );

    // Assess
    expect(message.text).toBe('Cedar planter box, large, Drip irrigation kit');
  });

  it('refuses a stored text field that holds something else, naming the field', () => {
    // Prepare: a record damaged in the table, not something the intake lets through
    const lead = leadVariables({
      email: 'a@example.com',
      name: 'Ana',
      company: { legal: 'Ana LLC' } as never,
    });

    // Act
    const error = thrown(() =>
      renderTemplate(email('Hi {{ lead.name }} of {{ lead.company }}'), 'email', { ...SAMPLE_CONTEXT, lead }),
    );

    // Assess
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect((error as TemplateRenderError).variable).toBe('lead.company');
    expect(error.message).toContain('lead.company holds a group of fields, not text');
  });

  it('does not let a malformed field the template never uses stop the touch', () => {
    // Prepare
    const lead = leadVariables({ email: 'a@example.com', name: 'Ana', note: ['a', 'b'] as never });

    // Act
    const message = renderTemplate(email('Hi {{ lead.firstName }}'), 'sms', { ...SAMPLE_CONTEXT, lead });

    // Assess
    expect(message.text).toBe('Hi Ana');
  });
});

describe('checkTemplate', () => {
  it('finds nothing wrong with a sound email', () => {
    // Act
    const issues = checkTemplate(
      email(
        'Hi {{ lead.firstName }},\n\n{% if lead.note %}{{ lead.note }}{% endif %}\n\n{{ owner.signature }}',
      ),
      'email',
    );

    // Assess
    expect(issues).toEqual([]);
  });

  it('reports an email with no subject', () => {
    // Act
    const issues = checkTemplate({ name: 'nosub', body: 'Hi {{ lead.firstName }}' }, 'email');

    // Assess
    expect(issues).toEqual([
      { template: 'nosub', message: 'an email needs a subject; add "subject: …" to the front matter' },
    ]);
  });

  it('does not ask an SMS for a subject', () => {
    // Act
    const issues = checkTemplate({ name: 'text', body: 'Hi {{ lead.firstName }}' }, 'sms');

    // Assess
    expect(issues).toEqual([]);
  });

  it('names an unknown variable, the closest real one and the allowed ones', () => {
    // Act
    const issues = checkTemplate(email('Hi {{ lead.frist_name }}'), 'email');

    // Assess
    expect(issues).toEqual([
      {
        template: 'demo',
        message:
          'unknown variable "lead.frist_name"; did you mean "lead.firstName"? ' +
          'lead has: firstName, name, email, company, note, interest, source',
      },
    ]);
  });

  it('finds an unknown variable in a branch the sample lead never takes', () => {
    // Act
    const issues = checkTemplate(
      email('{% if lead.company %}{% else %}{{ owner.phon }}{% endif %}'),
      'email',
    );

    // Assess
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringContaining('unknown variable "owner.phon"; did you mean "owner.phone"?'),
    ]);
  });

  it('reports an unknown filter and a Liquid syntax error', () => {
    // Act
    const filter = checkTemplate(email('{{ lead.firstName | upcasee }}'), 'email');
    const syntax = checkTemplate(email('{% if lead.company %}open'), 'email');

    // Assess
    expect(filter[0]?.message).toBe('unknown filter "upcasee" (body line 1, col 1); did you mean "upcase"?');
    expect(syntax[0]?.message).toContain('not closed');
  });

  it('reports a field a lead with only an email lacks, when the template does not guard it', () => {
    // Act
    const issues = checkTemplate(email('For {{ lead.company }}.'), 'email');

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^for a lead with only an email: lead\.company has no value/);
  });

  it('reports a group of fields printed whole', () => {
    // Act
    const issues = checkTemplate(email('{{ owner }}'), 'email');

    // Assess
    expect(issues[0]?.message).toContain('printed whole');
  });

  it('reports a misspelt field of a cart item inside a loop', () => {
    // Act
    const issues = checkTemplate(email('{% for item in cart.items %}{{ item.nme }}{% endfor %}'), 'email');

    // Assess
    expect(issues[0]?.message).toContain('unknown variable "item.nme"');
    expect(issues[0]?.message).toContain('each of cart.items has: name, quantity, price');
  });
});

describe('template files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'followup-templates-'));
    await writeFile(join(dir, 'hello.liquid'), '---\nsubject: Hello\nvalue: a greeting\n---\nHi\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a template by name', async () => {
    // Act
    const source = await loadTemplate(dir, 'hello');

    // Assess
    expect(source).toEqual({ name: 'hello', subject: 'Hello', value: 'a greeting', body: 'Hi\n' });
    expect(await templateExists(dir, 'hello')).toBe(true);
  });

  it('throws TemplateNotFound naming the path it expected', async () => {
    // Act
    const error = await loadTemplate(dir, 'missing').catch((e: Error) => e);

    // Assess
    expect(error).toBeInstanceOf(TemplateNotFound);
    expect((error as Error).name).toBe('TemplateNotFound');
    expect((error as Error).message).toBe(
      `no template "missing": expected the file ${join(dir, 'missing.liquid')}`,
    );
    expect(await templateExists(dir, 'missing')).toBe(false);
  });

  it('refuses a name that could leave the folder', async () => {
    // Act
    const error = await loadTemplate(dir, '../hello').catch((e: Error) => e);

    // Assess
    expect(error).toBeInstanceOf(TemplateNotFound);
    expect(await templateExists(dir, '../hello')).toBe(false);
  });
});
