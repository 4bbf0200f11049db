/*
 * Copies of what the in-memory store keeps, so a caller never holds the stored object, as a read from DynamoDB
 * always gives a fresh one. The store keeps plain data (strings, numbers, booleans, arrays, plain objects):
 * copying it field by field is several times cheaper than structuredClone, which simulate pays on every read.
 */

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** A deep copy of `value`; anything but plain data (a Date, a Map) is copied by structuredClone. */
export function copyRecord<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyRecord) as T;
  if (!isPlainObject(value)) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) copy[key] = copyRecord(record[key]);
  return copy as T;
}
