import { describe, expect, it } from 'vitest';
import { appendTo, ByLeadMap } from '../../../../local/memory/by-lead-map.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';

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

describe('appendTo', () => {
  it('adds to the list it names and starts a list for a new key', () => {
    // Prepare
    const lists = new Map<string, number[]>([['a', [1]]]);
    // Act
    appendTo(lists, 'a', 2);
    appendTo(lists, 'b', 3);
    // Assess
    expect([...lists]).toEqual([
      ['a', [1, 2]],
      ['b', [3]],
    ]);
  });

  it("keeps a lead's events read earlier as they were when read", async () => {
    // Prepare
    const store = new MemoryLeadStore();
    await store.recordEvent('a', { kind: 'created', source: 'intake', at: '2026-07-06T09:00:00.000Z' });
    const before = store.eventsOf('a');
    // Act
    await store.recordEvent('a', { kind: 'enrolled', source: 'intake', at: '2026-07-06T09:00:01.000Z' });
    // Assess
    expect(before.map((e) => e.kind)).toEqual(['created']);
    expect(store.eventsOf('a').map((e) => e.kind)).toEqual(['created', 'enrolled']);
  });
});
