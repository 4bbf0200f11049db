// The escaping tag lives in the core so the Lambdas' pages and emails use it too; the dashboard imports it from here.
export { escapeHtml, type HtmlValue, html, raw, SafeHtml, safeHref } from '../functions/core/html.ts';
