import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw, safeHref } from '../../../../functions/core/html.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that can break out of text or a quoted attribute', () => {
    // Prepare
    const hostile = `<a href="x" onclick='y'>Tom & Jerry</a>`;

    // Act
    const escaped = escapeHtml(hostile);

    // Assess
    expect(escaped).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
  });
});

describe('html', () => {
  it('escapes interpolated strings but keeps nested templates and raw markup as markup', () => {
    // Prepare
    const name = '<script>alert(1)</script>';

    // Act
    const out = html`<p title="${name}">${name} ${html`<b>${name}</b>`} ${raw('<hr>')}</p>`.value;

    // Assess
    expect(out).not.toContain('<script>');
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt; <b>&lt;script&gt;alert(1)&lt;/script&gt;</b> <hr></p>',
    );
  });

  it('joins arrays, prints numbers and renders false, null and undefined as nothing', () => {
    // Prepare
    const items = ['a&b', html`<i>c</i>`];

    // Act
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${0}${false}${null}${undefined}`.value;

    // Assess
    expect(out).toBe('<ul><li>a&amp;b</li><li><i>c</i></li></ul>0');
  });
});

describe('safeHref', () => {
  it('lets web, mail and same-site links through and turns script URLs into #', () => {
    // Prepare
    const urls = ['http://127.0.0.1:8005/', 'https://x.example', 'mailto:a@b.example', '/leads/1'];

    // Act
    const kept = urls.map(safeHref);
    const blocked = ['javascript:alert(1)', ' JavaScript:alert(1)', '//evil.example', 'data:text/html,x'].map(
      safeHref,
    );

    // Assess
    expect(kept).toEqual(urls);
    expect(blocked).toEqual(['#', '#', '#', '#']);
  });
});
