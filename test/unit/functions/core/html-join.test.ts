import { describe, expect, it } from 'vitest';
import { html, joinHtml, raw } from '../../../../functions/core/html.ts';

describe('joinHtml', () => {
  it('joins fragments as Array.join does, escaping text parts and a text separator', () => {
    // Act
    const joined = joinHtml([html`<b>${'a&b'}</b>`, '<i>', ''], ' & ');

    // Assess
    expect(joined.value).toBe('<b>a&amp;b</b> &amp; &lt;i&gt; &amp; ');
  });

  it('leaves out absent parts with their separator, and keeps a SafeHtml separator as is', () => {
    // Act
    const joined = joinHtml([false, 'one', undefined, 'two', null], raw('<br>\n'));

    // Assess
    expect(joined.value).toBe('one<br>\ntwo');
    expect(joinHtml([], '\n').value).toBe('');
  });
});
