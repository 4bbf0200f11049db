/*
 * What a shard's engine keeps its data in (docs/architecture.md §6): `memory`, the in-memory ports (the default),
 * or `dynalite`, the whole local runtime. Its own module, so naming a store loads no engine.
 */

export const STORES = ['memory', 'dynalite'] as const;
export type Store = (typeof STORES)[number];
