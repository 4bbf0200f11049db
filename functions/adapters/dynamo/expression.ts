import type { Lead } from '../../domain/lead.ts';

/* Turning items into domain records, and writing update expressions without tripping on reserved words. */

const KEY_FIELDS = new Set(['pk', 'sk', 'type']);

/** The record an item holds, without the adapter's key attributes. */
export function strip<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_FIELDS.has(k))) as T;
}

/** A lead item as the domain reads it: counters written before they existed read as zero. */
export function toLead(item: Record<string, unknown>): Lead {
  const lead = strip<Lead>(item);
  return {
    ...lead,
    touchCount: lead.touchCount ?? 0,
    smsCount: lead.smsCount ?? 0,
    recentSends: lead.recentSends ?? [],
    sendsVersion: lead.sendsVersion ?? 0,
  };
}

export const isConditionFailed = (error: unknown) =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Builds `SET a = :a, b = if_not_exists(b, :b)` with placeholder names, so reserved words (name, status) are safe. */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private count = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  setIfAbsent(attribute: string, value: unknown): this {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
    return this;
  }

  increment(attribute: string): this {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(0)}) + ${this.value(1)}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  update(): string {
    const clauses = [
      ...(this.sets.length > 0 ? [`SET ${this.sets.join(', ')}`] : []),
      ...(this.removes.length > 0 ? [`REMOVE ${this.removes.join(', ')}`] : []),
    ];
    return clauses.join(' ');
  }
}
