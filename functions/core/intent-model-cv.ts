import { type ReplyContext, readByRules, readIntent, replyWords } from './intent.ts';
import type { Intent } from './intent-labels.ts';
import { type LoadedModel, loadModel } from './intent-model.ts';
import { trainIntentModel } from './intent-model-train.ts';

/*
 * Leave-one-file-out cross-validation of the reader's fallback (#14): each development file is read by the rules
 * and by the rules with a model trained on every other file. A held-out file judges the reader and is never used.
 */

/** The files written after the rules, without reading them: their names start with `held-out`. */
export const HELD_OUT_PREFIX = 'held-out';

/** A labelled reply as the fixtures hold it, with the file it came from. */
export interface LabelledReply {
  readonly text: string;
  readonly label: Intent;
  readonly receivedAt: string;
  readonly zone: string;
  readonly channel: ReplyContext['channel'];
  readonly file?: string;
}

/** One file read by the rules alone and by the rules with a fallback trained on every other file. */
export interface FoldFigures {
  readonly file: string;
  readonly rows: number;
  readonly rulesAccuracy: number;
  readonly accuracy: number;
  /** Precision of the stop labels with the fallback (1 when the file has no reading of the label). */
  readonly noPrecision: number;
  readonly unsubscribePrecision: number;
  /** Rows the fallback relabelled, and how many of them it got right. */
  readonly guessed: number;
  readonly guessedRight: number;
}

/** A model for the fold, from the rows of every other development file. */
export type Trainer = (rows: readonly LabelledReply[]) => LoadedModel;

export const trainOn: Trainer = (rows) =>
  loadModel(
    trainIntentModel(rows.map((r) => ({ lower: replyWords(r.text, r.channel).lower, label: r.label }))),
  );

const share = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);
const round = (n: number) => Math.round(n * 1000) / 1000;

export function crossValidate(rows: readonly LabelledReply[], train: Trainer = trainOn): FoldFigures[] {
  const development = rows.filter((r) => !(r.file ?? '').startsWith(HELD_OUT_PREFIX));
  const files = [...new Set(development.map((r) => r.file ?? ''))].sort();
  return files.map((file) => {
    const model = train(development.filter((r) => r.file !== file));
    const read = development
      .filter((r) => r.file === file)
      .map((r) => {
        const context = { receivedAt: new Date(r.receivedAt), zone: r.zone, channel: r.channel };
        const { own, lower } = replyWords(r.text, r.channel);
        const rules = readByRules(own, lower, context).label;
        return { expected: r.label, rules, got: readIntent(r.text, context, model).label };
      });
    const count = (keep: (r: (typeof read)[number]) => boolean) => read.filter(keep).length;
    const precision = (label: Intent) =>
      round(
        share(
          count((r) => r.got === label && r.expected === label),
          count((r) => r.got === label),
        ),
      );
    return {
      file,
      rows: read.length,
      rulesAccuracy: round(
        share(
          count((r) => r.rules === r.expected),
          read.length,
        ),
      ),
      accuracy: round(
        share(
          count((r) => r.got === r.expected),
          read.length,
        ),
      ),
      noPrecision: precision('no'),
      unsubscribePrecision: precision('unsubscribe'),
      guessed: count((r) => r.got !== r.rules),
      guessedRight: count((r) => r.got !== r.rules && r.got === r.expected),
    };
  });
}
