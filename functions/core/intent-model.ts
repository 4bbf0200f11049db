import type { Intent } from './intent-labels.ts';
import { INTENT_MODEL } from './intent-model-weights.ts';

/*
 * The learned fallback of the reply reader (#14): a multinomial logistic regression over the words and word pairs
 * of the reply's own words (character pieces can be trained in; they cost bytes and, in cross-validation, flipped
 * more of the unit tests' hedges), consulted only where no rule matched. The rules decide everything they decide;
 * the model may name what they could not, never a stop by law (`unsubscribe`), a handover without a person to hand
 * to (`referral`) or a wrong person, and a `no` only when very sure (docs/architecture.md §9: a wrong stop loses a
 * customer). Trained by scripts/train-intent-model.ts; thresholds chosen by leave-one-file-out cross-validation.
 */

/** The model as committed: labels, the features it kept (hashed: the words cost no bytes), weights (feature-major). */
export interface IntentModel {
  readonly labels: readonly Intent[];
  /** The features kept, each as its 24-bit hash (featureId), three bytes each in base64, in ascending order. */
  readonly features: string;
  /** 8: one int8 per label and feature; 4: two a byte, each stored plus 8. A weight is the integer times `scale`. */
  readonly bits: 4 | 8;
  readonly weights: string;
  /** Whether character pieces of words are features too. */
  readonly characters: boolean;
  readonly bias: readonly number[];
  readonly scale: number;
  /** The least probability a label needs to replace `unsure`; `lost` labels need `stopThreshold`. */
  readonly threshold: number;
  readonly stopThreshold: number;
}

/**
 * Labels the fallback never gives: a legal stop stays the rules', a referral needs a named person, and a wrong
 * person rests on one word ("wrong file attached" read as one), where the rules' cues name a person or a number.
 */
export const NEVER_GUESSED: ReadonlySet<Intent> = new Set(['unsubscribe', 'referral', 'wrong-person']);
/** Labels that end the follow-up: they need the higher threshold. */
export const LOST_LABELS: ReadonlySet<Intent> = new Set(['no']);

const WORD = /[\p{L}\p{N}']+/gu;

/** The features of a text already lower-cased by the reader: words, word pairs (with a space), 3–4 character pieces (#). */
export function intentFeatures(lower: string, characters: boolean): string[] {
  const words = lower.match(WORD) ?? [];
  const out = new Set<string>();
  let previous = '<s>';
  for (const word of words) {
    out.add(word);
    out.add(`${previous} ${word}`);
    previous = word;
    if (!characters) continue;
    const padded = `<${word}>`;
    for (let n = 3; n <= 4; n += 1)
      for (let i = 0; i + n <= padded.length; i += 1) out.add(`#${padded.slice(i, i + n)}`);
  }
  out.add(`${previous} </s>`);
  if (words.length <= 3) out.add('<short>');
  return [...out];
}

/** A feature's 24-bit FNV-1a hash: what the model stores instead of the words (a collision is one in 16 million). */
export function featureId(feature: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i += 1) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 8;
}

export interface LoadedModel {
  readonly labels: readonly Intent[];
  readonly index: ReadonlyMap<number, number>;
  readonly weights: Float64Array;
  readonly bias: readonly number[];
  readonly characters: boolean;
  readonly threshold: number;
  readonly stopThreshold: number;
}

/** The committed form made ready to score: the feature index and the weights as numbers. */
export function loadModel(model: IntentModel): LoadedModel {
  const packed = atob(model.features);
  const ids: number[] = [];
  for (let i = 0; i + 2 < packed.length; i += 3)
    ids.push((packed.charCodeAt(i) << 16) | (packed.charCodeAt(i + 1) << 8) | packed.charCodeAt(i + 2));
  const bytes = atob(model.weights);
  const weights = new Float64Array(ids.length * model.labels.length);
  for (let i = 0; i < weights.length; i += 1) {
    const byte = bytes.charCodeAt(model.bits === 8 ? i : i >> 1);
    const level = model.bits === 8 ? (byte << 24) >> 24 : (i % 2 === 0 ? byte >> 4 : byte & 15) - 8;
    weights[i] = level * model.scale;
  }
  return {
    labels: model.labels,
    index: new Map(ids.map((id, i) => [id, i])),
    weights,
    bias: model.bias,
    characters: model.characters,
    threshold: model.threshold,
    stopThreshold: model.stopThreshold,
  };
}

/** The probability of each label of the model, in its label order. */
export function labelProbabilities(model: LoadedModel, features: readonly string[]): number[] {
  const k = model.labels.length;
  const scores = [...model.bias];
  for (const feature of features) {
    const at = model.index.get(featureId(feature));
    if (at === undefined) continue;
    for (let c = 0; c < k; c += 1) scores[c] = (scores[c] ?? 0) + (model.weights[at * k + c] ?? 0);
  }
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export interface Guess {
  readonly label: Intent;
  readonly probability: number;
}

/** The label the model gives a reply the rules left unsure, or nothing when it is not sure enough. */
export function guessIntent(model: LoadedModel, lower: string): Guess | undefined {
  const probabilities = labelProbabilities(model, intentFeatures(lower, model.characters));
  let best = 0;
  for (let c = 1; c < probabilities.length; c += 1)
    if ((probabilities[c] ?? 0) > (probabilities[best] ?? 0)) best = c;
  const label = model.labels[best];
  const probability = probabilities[best] ?? 0;
  if (label === undefined || label === 'unsure' || NEVER_GUESSED.has(label)) return undefined;
  const needed = LOST_LABELS.has(label) ? model.stopThreshold : model.threshold;
  return probability >= needed ? { label, probability } : undefined;
}

let loaded: LoadedModel | undefined;
/** The committed model, read once per process. */
export function intentModel(): LoadedModel {
  loaded ??= loadModel(INTENT_MODEL);
  return loaded;
}
