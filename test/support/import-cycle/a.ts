// Half of an import cycle, for the cycle check's own test.
import type { B } from './b.ts';

export type A = { readonly b?: B };
