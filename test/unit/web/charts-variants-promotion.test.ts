import { describe, expect, it } from 'vitest';
import { variantChart } from '../../../web/charts.ts';

/* The step variants chart names what autoPromote switched, escaped, even when no variant was counted in the range. */

describe('variantChart with promotions', () => {
  it('names each promotion, escaped, when the range has no variant counters', () => {
    // Act
    const chart = String(variantChart([], ['ab · first: b <promoted> & kept']));
    // Assess
    expect(chart).toContain('<h3 id="chart-variants-title">Step variants</h3>');
    expect(chart).toContain('<p class="note">ab · first: b &lt;promoted&gt; &amp; kept</p>');
  });

  it('draws nothing without variants or promotions', () => {
    expect(String(variantChart([], []))).toBe('');
  });
});
