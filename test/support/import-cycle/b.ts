// The other half of the cycle a.ts starts.
import type { A } from './a.ts';

export type B = { readonly a?: A };
