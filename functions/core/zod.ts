import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini tree-shakes but loads no locale: the English one gives the same messages classic zod did (docs/architecture.md §9).
z.config(en());

// Re-exported name by name, so a bundle keeps only the parts its schemas use (docs/architecture.md §9).
export * from 'zod/mini';

/** Classic zod's `.describe(text)`: the text the JSON Schema carries, on this one schema object. */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  z.globalRegistry.add(schema as z.ZodMiniType, { description });
  return schema;
}

/** Classic zod's `z.preprocess`: `fn` runs on the raw value, then `schema` checks what it returns. */
export function preprocess<U extends z.ZodMiniType>(fn: (value: unknown) => unknown, schema: U) {
  return z.pipe(z.transform(fn), schema as z.ZodMiniType<z.output<U>, unknown>) as z.ZodMiniPipe<
    z.ZodMiniTransform<unknown, unknown>,
    U
  >;
}

/** Classic zod's `ctx.addIssue` in a transform, which zod/mini's transform context lacks: fails the value. */
export function reject(ctx: z.core.ParsePayload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}
