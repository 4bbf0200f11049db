import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { applyEdits, type FormattingOptions, modify } from 'jsonc-parser';
import { knownCadenceIds, readJsonDocument } from '../../functions/adapters/cadence-files.ts';
import { parseCadence } from '../../functions/core/cadence.ts';
import { UsageError } from '../../functions/core/errors.ts';

/*
 * `followup cadence promote CADENCE STEP VARIANT` (#16): the winner's template becomes the step's `template` and its
 * variants go. A normal edit of the file, validated before it is written, so what a report named the winner is what
 * new leads get once the cadence is deployed (or at once on `npm start`); nothing else in the file changes, not even
 * its formatting: the edit is made in the text (jsonc-parser, VS Code's JSON editing library), so the diff is the step's
 * lines alone and a formatted file stays formatted.
 */

export interface PromoteOptions {
  /** The folder a cadence id is looked up in (default cadences/). */
  readonly cadences?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The cadence file a CADENCE argument names: a path to a .json file, or an id in the cadences folder. */
export function promoteFile(cadence: string, options: PromoteOptions = {}): string {
  return cadence.endsWith('.json') ? cadence : join(options.cadences ?? 'cadences', `${cadence}.json`);
}

/** The document with STEP's variants replaced by VARIANT's template, at the place the variants were. */
export function promoted(raw: unknown, stepId: string, variantId: string): Json {
  if (!isObject(raw) || !Array.isArray(raw.steps))
    throw new UsageError('the file is not a cadence: it has no "steps"');
  const steps = raw.steps as unknown[];
  const index = steps.findIndex((s) => isObject(s) && s.id === stepId);
  const ids = steps.flatMap((s) => (isObject(s) && typeof s.id === 'string' ? [s.id] : []));
  if (index < 0) throw new UsageError(`no step "${stepId}"; steps: ${ids.join(', ')}`);
  const step = steps[index] as Json;
  const variants = Array.isArray(step.variants) ? step.variants.filter(isObject) : [];
  if (variants.length === 0) throw new UsageError(`step "${stepId}" has no variants to promote from`);
  const winner = variants.find((v) => v.id === variantId);
  if (!winner || typeof winner.template !== 'string') {
    throw new UsageError(
      `step "${stepId}" has no variant "${variantId}"; variants: ${variants.map((v) => String(v.id)).join(', ')}`,
    );
  }
  const rewritten = Object.fromEntries(
    Object.entries(step).map(([key, value]) =>
      key === 'variants' ? ['template', winner.template] : [key, value],
    ),
  );
  return { ...raw, steps: steps.map((s, i) => (i === index ? rewritten : s)) };
}

/** The file's text with STEP's `variants` replaced by `"template": TEMPLATE` at the same place, all else as it was. */
export function promotedText(text: string, promotedDocument: Json, stepId: string, template: string): string {
  const steps = promotedDocument.steps as Json[];
  const index = steps.findIndex((s) => s.id === stepId);
  const at = Object.keys(steps[index] as Json).indexOf('template');
  const formatting: FormattingOptions = {
    insertSpaces: true,
    tabSize: 2,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
  const removed = applyEdits(
    text,
    modify(text, ['steps', index, 'variants'], undefined, { formattingOptions: formatting }),
  );
  return applyEdits(
    removed,
    modify(removed, ['steps', index, 'template'], template, {
      formattingOptions: formatting,
      getInsertionIndex: () => at,
    }),
  );
}

/** `followup cadence promote`: 0 when the file was rewritten; a UsageError when nothing was. */
export async function promoteCommand(
  cadence: string,
  stepId: string,
  variantId: string,
  options: PromoteOptions = {},
  out: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  const file = promoteFile(cadence, options);
  const document = await readJsonDocument(file);
  const next = promoted(document.value, stepId, variantId);
  const result = parseCadence(next, {
    fileId: basename(file, '.json'),
    knownCadences: await knownCadenceIds(dirname(file)),
  });
  if (!result.ok) {
    throw new UsageError(
      `${file}: not promoted, the result would not be a valid cadence: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
  const template = result.cadence.steps.find((s) => s.id === stepId)?.template ?? '';
  // Written whole, then renamed over the file: a reader never sees half of it.
  const temporary = `${file}.promote-${process.pid}`;
  writeFileSync(temporary, promotedText(document.text, next, stepId, template));
  renameSync(temporary, file);
  out.write(
    `${file}: step "${stepId}" now sends "${template}" (variant ${variantId}); its other variants are gone.\n`,
  );
  return 0;
}
