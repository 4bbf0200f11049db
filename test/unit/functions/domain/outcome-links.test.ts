import { describe, expect, it } from 'vitest';
import {
  outcomeLinks,
  signOutcomeToken,
  verifyOutcomeToken,
} from '../../../../functions/domain/outcome-links.ts';

/* A task email's links name their task (#15): verified with it, refused when any part of it is changed. */

const KEY = 'outcome-links-test-key-0123456789abcdefghijklmnopqrstuvwxyz';
const NOW = new Date('2026-04-07T15:00:00Z');
const LEAD = 'ld_0123456789abcdef01234567';
const TASK = { enrollmentId: 'web-inquiry-ld_0123456789abcdef01234567-1a2b3c4d5e6f7a8b', stepIndex: 1 };
const tokenOf = (url: string) => url.slice(url.lastIndexOf('/o/') + 3);

describe('task links', () => {
  it('offer "Done" first, then every outcome, each carrying the task', () => {
    // Act
    const links = outcomeLinks('https://api.northwind.example/', LEAD, KEY, NOW, TASK);

    // Assess
    expect(links.map((l) => l.label)).toEqual([
      'Done',
      'Replied',
      'Meeting booked',
      'Won',
      'Lost',
      'Not now',
    ]);
    for (const link of links) {
      const check = verifyOutcomeToken(tokenOf(link.url), KEY, NOW);
      expect(check).toMatchObject({ ok: true, claim: { leadId: LEAD, result: link.result, task: TASK } });
    }
  });

  it('without a task stay as they were: no "Done", no task in the claim', () => {
    const links = outcomeLinks('https://api.northwind.example', LEAD, KEY, NOW);
    expect(links.map((l) => l.result)).toEqual(['replied', 'meeting', 'won', 'lost', 'not-now']);
    const check = verifyOutcomeToken(tokenOf(links[0]?.url ?? ''), KEY, NOW);
    expect(check.ok && check.claim.task).toBe(undefined);
  });

  it('are refused when the task, the step or the result is changed', () => {
    // Prepare
    const token = signOutcomeToken(
      { leadId: LEAD, result: 'done', expiresAt: new Date(NOW.getTime() + 60_000), task: TASK },
      KEY,
    );
    const parts = token.split('.');
    const changed = (i: number, value: string) => parts.map((p, j) => (j === i ? value : p)).join('.');

    // Act / Assess
    expect(verifyOutcomeToken(token, KEY, NOW).ok).toBe(true);
    expect(verifyOutcomeToken(changed(4, '2'), KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyOutcomeToken(changed(3, 'other-enrollment'), KEY, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyOutcomeToken(changed(1, 'won'), KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyOutcomeToken(changed(4, '01'), KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    // Without its task, the signature no longer holds: a task link cannot pass for a plain one.
    expect(verifyOutcomeToken([...parts.slice(0, 3), parts[5]].join('.'), KEY, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});
