import type * as z from './zod.ts';

/** What a form or an API answers with: each field that needs a fix, and what to do about it. */
export type FieldErrors = Record<string, string>;

/**
 * The first problem of each field a zod error names. `by: 'field'` keys by the top-level field (a form's inputs);
 * `by: 'path'` by the whole dotted path, for nested JSON such as a shop event's `detail.email`.
 */
export function fieldErrors(error: z.core.$ZodError, by: 'field' | 'path' = 'field'): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = by === 'path' ? issue.path.join('.') : String(issue.path[0] ?? '');
    errors[key || 'body'] ??= issue.message;
  }
  return errors;
}
