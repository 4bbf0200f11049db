import { html } from '../functions/core/html.ts';
import { page } from './layout.ts';

/** The page a lead lands on after the signup form at `/thanks`. */
export function renderThanks(): string {
  const main = html`<div class="form-page">
<h1>Thank you — we got your message</h1>
<p class="lede">Someone from our team will get back to you within one business day.</p>
<p>Keep an eye on your inbox: our reply comes from a real person, and you can answer it directly. If you asked for text messages, reply STOP at any time to opt out.</p>
<p><a href="/form">Send another request</a></p>
</div>`;
  return page({ title: 'Thank you', current: 'none', main });
}
