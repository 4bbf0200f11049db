/*
 * HTML built from tagged templates: every interpolated value is escaped unless it is already `SafeHtml` (the output
 * of `html` or `raw`), so a page cannot forget to escape a lead's name.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe: produced by `html`, or vouched for with `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/**
 * What a template may interpolate. `false`, `null` and `undefined` render nothing, so `${cond && html`…`}` works;
 * `true` is left out on purpose: it would only ever appear by mistake.
 */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === false || value === null || value === undefined) return '';
  return escapeHtml(value as string | number);
}

/** A tagged template that escapes every interpolation. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Joins fragments with a separator, as `Array.join` would; absent parts (`false`, `null`, `undefined`) are left out
 * with their separator, so `cond && html`…`` works as it does inside `html`.
 */
export function joinHtml(parts: readonly HtmlValue[], separator: HtmlValue): SafeHtml {
  const present = parts.filter((part) => part !== false && part !== null && part !== undefined);
  return html`${present.map((part, i) => (i === 0 ? html`${part}` : html`${separator}${part}`))}`;
}

/** Marks trusted markup (constant stylesheets and scripts) as safe. Never pass user data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A link target that cannot run script: http(s), mailto and same-site paths pass, anything else becomes `#`. */
export function safeHref(url: string): string {
  if (/^(https?:|mailto:)/i.test(url)) return url;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  return '#';
}
