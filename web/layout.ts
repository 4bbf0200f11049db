import { html, raw, type SafeHtml, safeHref } from '../functions/core/html.ts';

/* The page shell every page shares: document head, one small stylesheet, the header navigation. */

const PRODUCT = 'Followup';

const STYLES = raw(`
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --surface: #fff; --text: #1b1f24; --muted: #57606a; --border: #d8dee4;
  --accent: #0b5cad; --accent-text: #fff; --good: #1a7f37; --bad: #b42318; --warn: #9a6700;
  --radius: 10px; --shadow: 0 1px 2px rgb(0 0 0 / 6%);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1318; --surface: #171c22; --text: #e6edf3; --muted: #9aa7b4; --border: #2d333b;
    --accent: #4c9be8; --accent-text: #0f1318; --good: #3fb950; --bad: #f47067; --warn: #d29922;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text); line-height: 1.5;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px;
}
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--surface); padding: .5rem; z-index: 1; }
header.site { background: var(--surface); border-bottom: 1px solid var(--border); }
header.site .inner { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; }
.brand { font-weight: 700; font-size: 1.15rem; color: var(--text); text-decoration: none; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav a { text-decoration: none; padding: .25rem 0; }
nav a[aria-current="page"] { font-weight: 600; border-bottom: 2px solid var(--accent); }
.inner { max-width: 1200px; margin: 0 auto; padding: .75rem 1rem; }
main.inner { padding-top: 1.5rem; padding-bottom: 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
.lede, .muted, small { color: var(--muted); }
section.card, .card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: var(--shadow); padding: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: .75rem; margin: 1rem 0; }
.channel { white-space: nowrap; }
.channel::before { content: ''; display: inline-block; width: .55rem; height: .55rem; border-radius: 50%; margin-right: .4rem; background: var(--muted); }
.channel-email::before { background: #2563eb; } .channel-sms::before { background: #16a34a; }
.channel-call::before { background: #d97706; } .channel-task::before { background: #7c3aed; }
.stat { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: .75rem 1rem; }
.stat .value { display: block; font-size: 1.75rem; font-weight: 700; line-height: 1.2; }
.stat .label { color: var(--muted); font-size: .9rem; }
.table-wrap { overflow-x: auto; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid var(--border); vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover { background: color-mix(in srgb, var(--accent) 6%, transparent); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
  white-space: nowrap; background: #e7ecf0; color: #24292f; }
.badge-active { background: #dbeafe; color: #1e3a8a; }
.badge-replied { background: #ccfbf1; color: #134e4a; }
.badge-meeting { background: #ede9fe; color: #4c1d95; }
.badge-won { background: #dcfce7; color: #14532d; }
.badge-lost, .badge-unsubscribed { background: #e5e7eb; color: #374151; }
.badge-snoozed { background: #fef3c7; color: #78350f; }
.badge-nurture { background: #e0e7ff; color: #312e81; }
.badge-bounced, .badge-complained, .badge-stuck { background: #fee2e2; color: #7f1d1d; }
.badge-retrying { background: #fef3c7; color: #78350f; }
.channel { white-space: nowrap; }
.btn { font: inherit; font-size: .9rem; padding: .35rem .8rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--border); background: var(--surface); color: var(--text); }
.btn:hover { border-color: var(--accent); }
.btn:disabled { opacity: .6; cursor: progress; }
.btn-primary { background: var(--accent); color: var(--accent-text); border-color: var(--accent); font-weight: 600; }
.btn-good { color: var(--good); border-color: currentColor; }
.btn-bad { color: var(--bad); border-color: currentColor; }
ul.tasks { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
.actions { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .5rem; }
.empty { background: var(--surface); border: 1px dashed var(--border); border-radius: var(--radius);
  padding: 1rem; color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875em;
  background: color-mix(in srgb, var(--muted) 15%, transparent); padding: .1rem .3rem; border-radius: 4px;
  overflow-wrap: anywhere; }
details summary { cursor: pointer; color: var(--accent); }
.script { white-space: pre-wrap; margin: .5rem 0 0; padding: .75rem; background: var(--bg); border-radius: 8px; }
.overdue { color: var(--bad); font-weight: 600; }
h3 { font-size: 1rem; margin: 1.25rem 0 .25rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem; align-items: start; }
.columns h2 { margin-top: 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.timeline { list-style: none; margin: 0; padding: 0; border-left: 3px solid var(--border); }
.timeline li { position: relative; margin: 0 0 .75rem 1rem; padding: .75rem 1rem; background: var(--surface);
  border: 1px solid var(--border); border-radius: var(--radius); display: grid; gap: .25rem; }
.timeline li::before { content: ""; position: absolute; left: calc(-1rem - 8px); top: 1.1rem; width: 13px; height: 13px;
  border-radius: 50%; background: var(--muted); }
.timeline li.past::before { background: var(--accent); }
.timeline li.future { border-style: dashed; background: transparent; }
.timeline li.future::before { background: var(--bg); border: 2px solid var(--muted); }
.timeline li.cancelled .tl-what { text-decoration: line-through; color: var(--muted); }
.timeline li.now { background: transparent; border: 0; padding: .25rem 1rem; font-weight: 600; color: var(--accent); }
.timeline li.now::before { background: var(--accent); }
.state { font-weight: 600; }
.state-sent { color: var(--good); }
.state-skipped { color: var(--warn); }
.state-waiting { color: var(--accent); }
.state-failed { color: var(--bad); }
.state-cancelled { color: var(--muted); }
@media (min-width: 720px) {
  .timeline li:not(.now) { grid-template-columns: 15rem 1fr 16rem; align-items: baseline; }
}
.form-page { max-width: 36rem; margin: 0 auto; }
.field { margin-bottom: 1rem; }
.field label { display: block; font-weight: 600; margin-bottom: .25rem; }
.req, .hint { font-weight: 400; color: var(--muted); font-size: .9rem; }
.hint { margin: 0 0 .25rem; }
input[type="email"], input[type="text"], input[type="tel"], input[type="search"], textarea {
  width: 100%; font: inherit; padding: .55rem .7rem; border: 1px solid var(--muted); border-radius: 8px;
  background: var(--surface); color: var(--text); }
[aria-invalid="true"] { border-color: var(--bad); border-width: 2px; }
.field-error { color: var(--bad); font-weight: 600; margin: 0 0 .25rem; }
.consent { display: grid; grid-template-columns: auto 1fr; gap: .25rem .6rem; align-items: start; }
.consent .field-error { grid-column: 1 / -1; }
.consent input { width: 1.15rem; height: 1.15rem; margin-top: .2rem; }
.consent label { font-weight: 400; font-size: .95rem; }
.hp { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
.error-summary { border: 2px solid var(--bad); border-radius: var(--radius); padding: .75rem 1rem; margin: 1rem 0;
  background: var(--surface); }
.error-summary h2 { margin: 0 0 .5rem; font-size: 1.05rem; color: var(--bad); }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.notice { border-left: 4px solid var(--warn); background: var(--surface); padding: .75rem 1rem; border-radius: 4px; }
.btn-primary { padding: .6rem 1.4rem; font-size: 1rem; }
.flash { position: fixed; bottom: 1rem; left: 1rem; right: 1rem; max-width: 32rem; margin: 0 auto; padding: .75rem 1rem;
  border-radius: var(--radius); background: var(--text); color: var(--bg); }
.flash:empty { display: none; }
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 0 0 .75rem; }
.search input { flex: 1 1 14rem; max-width: 24rem; }
.pager { margin: .75rem 0; }
`);

/** Finds buttons carrying `data-post`, POSTs their JSON body (plus an asked-for `value`) and reloads on success. */
const POST_SCRIPT = raw(`
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-post]') : null;
  if (!button) return;
  const flash = document.getElementById('flash');
  const body = JSON.parse(button.dataset.body || '{}');
  if (button.dataset.ask) {
    const answer = window.prompt(button.dataset.ask);
    if (answer === null) return;
    const digits = answer.replace(/[^0-9.]/g, '');
    if (answer.trim() !== '') {
      const value = Number(digits);
      if (digits === '' || !Number.isFinite(value)) { flash.textContent = 'Enter a number, e.g. 2500'; return; }
      body.value = value;
    }
  }
  button.disabled = true;
  flash.textContent = 'Sending…';
  try {
    const response = await fetch(button.dataset.post, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(response.status + ' ' + (await response.text()));
    window.location.reload();
  } catch (error) {
    button.disabled = false;
    flash.textContent = 'Could not record it: ' + error.message;
  }
});
`);

export type NavItem = 'dashboard' | 'form' | 'none';

export interface PageOptions {
  readonly title: string;
  readonly current: NavItem;
  /** Where the local SES mailbox is; the nav leaves the link out without it. */
  readonly mailboxUrl?: string;
  readonly main: SafeHtml;
  /** Include the script behind `data-post` buttons. */
  readonly postButtons?: boolean;
  /** Page-specific trusted script, appended after the content. */
  readonly script?: SafeHtml;
  /** Page-specific trusted styles, in the head after the shared ones. */
  readonly styles?: SafeHtml;
}

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return html`<li><a href="${href}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
}

/** A complete HTML document. */
export function page(options: PageOptions): string {
  const { title, current, mailboxUrl, main } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${PRODUCT}</title>
<style>${STYLES}</style>
${options.styles ? html`<style>${options.styles}</style>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<div class="inner">
<a class="brand" href="/">${PRODUCT}</a>
<nav aria-label="Main">
<ul>
${navLink('/', 'Dashboard', current === 'dashboard')}
${navLink('/form', 'Signup form', current === 'form')}
${mailboxUrl ? html`<li><a href="${safeHref(mailboxUrl)}">Mailbox</a></li>` : ''}
</ul>
</nav>
</div>
</header>
<main id="main" class="inner">
${main}
</main>
${
  options.postButtons
    ? html`<div id="flash" class="flash" role="status" aria-live="polite"></div>
<script>${POST_SCRIPT}</script>`
    : ''
}
${options.script ? html`<script>${options.script}</script>` : ''}
</body>
</html>
`.value;
}
