/*
 * A Map of one kind of lead record that also lists each lead's records, so MemoryLeadStore reads or writes one lead
 * at the same cost however many leads it holds: a 2,000-lead simulation would otherwise scan every enrollment and
 * task on each of its reads (docs/architecture.md §9).
 */

export class ByLeadMap<V extends { readonly leadId: string }> extends Map<string, V> {
  private readonly byLead = new Map<string, Map<string, V>>();

  override set(id: string, value: V): this {
    const previous = super.get(id);
    if (previous && previous.leadId !== value.leadId) this.byLead.get(previous.leadId)?.delete(id);
    super.set(id, value);
    // Set as the Map itself is set, so a lead's records list in the Map's own order.
    let own = this.byLead.get(value.leadId);
    if (!own) {
      own = new Map();
      this.byLead.set(value.leadId, own);
    }
    own.set(id, value);
    return this;
  }

  override delete(id: string): boolean {
    const value = super.get(id);
    if (value) this.byLead.get(value.leadId)?.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.byLead.clear();
    super.clear();
  }

  /** The lead's records, in the Map's order. */
  of(leadId: string): V[] {
    return [...(this.byLead.get(leadId)?.values() ?? [])];
  }
}

/** Adds `value` to the list `key` names, in place: a copied list on each add makes a lead's n records cost n². */
export function appendTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
