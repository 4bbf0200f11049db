import { html, joinHtml, raw, type SafeHtml } from './html.ts';

/*
 * The HTML part of a templated email, made from its text: paragraphs, line breaks and links, every character of the
 * text escaped by the `html` tag, so lead data can never become markup.
 */

const URL_RE = /https?:\/\/[^\s<>"']+/g;
const LINE_BREAK = raw('<br>\n');

/** A line with its http(s) URLs linked; the URL is escaped too, so nothing in it can become markup. */
function linkify(line: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const match of line.matchAll(URL_RE)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    parts.push(html`${line.slice(last, match.index)}<a href="${url}">${url}</a>`);
    last = match.index + url.length;
  }
  return html`${parts}${line.slice(last)}`;
}

/** Blank lines separate paragraphs; single line breaks stay line breaks. */
export function textToHtml(text: string): SafeHtml {
  return joinHtml(
    text
      .split(/\n{2,}/)
      .map((paragraph) => html`<p>${joinHtml(paragraph.split('\n').map(linkify), LINE_BREAK)}</p>`),
    '\n',
  );
}

/** The compliance footer's HTML: who sends it, where they are, and the unsubscribe link. */
export function footerHtml(sender: string, unsubscribeUrl: string): SafeHtml {
  return html`<p style="margin-top:24px;color:#6b7280;font-size:12px">${sender}<br>
Don't want these emails? <a href="${unsubscribeUrl}">Unsubscribe</a></p>`;
}
