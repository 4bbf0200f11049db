import { describe, expect, it } from 'vitest';
import { formatReport } from '../../../../bin/commands/report.ts';
import { type AggregateRow, buildReport } from '../../../../functions/core/report.ts';

/* `followup report`'s speed-to-lead table: overall, per cadence and per rep, the bounds said to be buckets. */

const rows: AggregateRow[] = [
  { cadenceId: 'web-inquiry', month: '2026-03', slot: 1, counts: { sent: 4, entered: 4 } },
  {
    cadenceId: 'web-inquiry',
    month: '2026-03',
    slot: 'speed',
    owner: 'ana@northwind.example',
    counts: { speedFirst1m: 3, speedHuman1h: 1 },
  },
  { cadenceId: 'web-inquiry', month: '2026-03', slot: 'speed', owner: '', counts: { speedFirst3d: 1 } },
];

describe('formatReport', () => {
  it('prints speed to lead per cadence and per rep, with p50 and p95 as bucket bounds', () => {
    // Act
    const text = formatReport(buildReport(rows));

    // Assess
    expect(text).toContain('Speed to lead');
    expect(text).toContain('not exact times');
    expect(text).toMatch(/all\s+4\s+≤ 1 min\s+≤ 3 d\s+75\.0%\s+1\s+≤ 1 h\s+≤ 1 h/);
    expect(text).toMatch(/cadence web-inquiry\s+4/);
    expect(text).toMatch(/rep \(default owner\)\s+1\s+≤ 3 d\s+≤ 3 d\s+0\.0%\s+0\s+–\s+–/);
    expect(text).toMatch(/rep ana@northwind\.example\s+3\s+≤ 1 min/);
  });

  it('prints no speed table before anything was timed', () => {
    const text = formatReport(buildReport(rows.filter((r) => r.slot !== 'speed')));
    expect(text).not.toContain('Speed to lead');
  });
});
