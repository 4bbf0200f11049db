import { describe, expect, it } from 'vitest';
import { ByLeadMap } from '../../../../local/memory/by-lead-map.ts';

describe('ByLeadMap', () => {
  it("lists a lead's records in the Map's own order, through sets, re-sets and deletes", () => {
    // Prepare
    const map = new ByLeadMap<{ leadId: string; n: number }>();
    // Act
    map.set('a/1', { leadId: 'a', n: 1 });
    map.set('b/1', { leadId: 'b', n: 1 });
    map.set('a/2', { leadId: 'a', n: 2 });
    map.set('a/1', { leadId: 'a', n: 3 });
    map.set('a/3', { leadId: 'a', n: 4 });
    map.delete('a/2');
    // Assess
    expect(map.of('a')).toEqual([...map.values()].filter((v) => v.leadId === 'a'));
    expect(map.of('a').map((v) => v.n)).toEqual([3, 4]);
    expect(map.of('b').map((v) => v.n)).toEqual([1]);
    expect(map.of('nobody')).toEqual([]);
  });

  it('moves a record to its new lead when an id is set again for another lead, and forgets all on clear', () => {
    const map = new ByLeadMap<{ leadId: string }>();
    map.set('x', { leadId: 'a' });
    map.set('x', { leadId: 'b' });
    expect(map.of('a')).toEqual([]);
    expect(map.of('b')).toEqual([{ leadId: 'b' }]);
    map.clear();
    expect(map.of('b')).toEqual([]);
    expect(map.size).toBe(0);
  });
});
