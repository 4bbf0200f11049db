/*
 * Everything random in a simulation comes from its seed: one stream for the synthetic leads, and one per touch for
 * how its lead answers, so a result does not depend on the order executions happen to run in.
 */

/** mulberry32: a small, fast, seedable PRNG; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit FNV-1a hash: independent streams per key, whatever order the leads' executions run in. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The stream of `key` (e.g. one touch) under `seed`. */
export const streamFor = (seed: number, key: string) => mulberry32(hash32(`${seed}:${key}`));

/** One of `items`, uniformly. */
export const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T;
