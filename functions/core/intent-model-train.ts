import { INTENTS, type Intent } from './intent-labels.ts';
import { featureId, type IntentModel, intentFeatures } from './intent-model.ts';

/*
 * Trains the reader's fallback (functions/core/intent-model.ts) deterministically: the same rows in the same order
 * give the same model, byte for byte (a seeded shuffle, no clock, no Math.random). Pure, so a test can train it.
 */

export interface TrainingRow {
  /** The reply's own words as the reader sees them (quotes and signature gone, typos put right, lower case). */
  readonly lower: string;
  readonly label: Intent;
}

export interface TrainingOptions {
  /** How many features the shipped model keeps (the most telling ones): its bytes. */
  readonly maxFeatures: number;
  /** Bits a weight is stored in (4 or 8): the other half of its bytes. */
  readonly bits: 4 | 8;
  readonly characters: boolean;
  /** A feature must appear in this many replies to be learned from. */
  readonly minReplies: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly threshold: number;
  readonly stopThreshold: number;
}

export const TRAINING: TrainingOptions = {
  maxFeatures: 1500,
  bits: 4,
  characters: false,
  minReplies: 2,
  epochs: 30,
  learningRate: 0.2,
  l2: 1e-3,
  threshold: 0.8,
  stopThreshold: 0.95,
};

/** A small seeded generator (mulberry32): the shuffle is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Encoded {
  readonly features: readonly number[];
  readonly label: number;
}

function encode(rows: readonly TrainingRow[], names: readonly string[], characters: boolean): Encoded[] {
  const index = new Map(names.map((name, i) => [name, i]));
  return rows.map((row) => ({
    features: intentFeatures(row.lower, characters).flatMap((f) => index.get(f) ?? []),
    label: INTENTS.indexOf(row.label),
  }));
}

/** Softmax regression by shuffled stochastic gradient descent, L2 on the weights a step touches. */
function regress(data: readonly Encoded[], featureCount: number, options: TrainingOptions) {
  const k = INTENTS.length;
  const weights = new Float64Array(featureCount * k);
  const bias = new Float64Array(k);
  const order = data.map((_, i) => i);
  const random = seeded(14);
  const scores = new Float64Array(k);
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const rate = options.learningRate / (1 + epoch * 0.1);
    for (const at of order) {
      const row = data[at] as Encoded;
      for (let c = 0; c < k; c += 1) scores[c] = bias[c] as number;
      for (const f of row.features)
        for (let c = 0; c < k; c += 1) scores[c] = (scores[c] as number) + (weights[f * k + c] as number);
      let top = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c += 1) top = Math.max(top, scores[c] as number);
      let sum = 0;
      for (let c = 0; c < k; c += 1) {
        scores[c] = Math.exp((scores[c] as number) - top);
        sum += scores[c] as number;
      }
      for (let c = 0; c < k; c += 1) {
        const gradient = (scores[c] as number) / sum - (c === row.label ? 1 : 0);
        bias[c] = (bias[c] as number) - rate * gradient;
        for (const f of row.features) {
          const w = weights[f * k + c] as number;
          weights[f * k + c] = w - rate * (gradient + options.l2 * w);
        }
      }
    }
  }
  return { weights, bias };
}

/** Trains, keeps the `maxFeatures` features with the largest weight, trains again on those and quantizes to int8. */
export function trainIntentModel(
  rows: readonly TrainingRow[],
  options: TrainingOptions = TRAINING,
): IntentModel {
  const k = INTENTS.length;
  const seen = new Map<string, number>();
  for (const row of rows)
    for (const f of intentFeatures(row.lower, options.characters)) seen.set(f, (seen.get(f) ?? 0) + 1);
  const all = [...seen]
    .filter(([, n]) => n >= options.minReplies)
    .map(([f]) => f)
    .sort();
  const first = regress(encode(rows, all, options.characters), all.length, options);
  const strength = all.map((name, i) => {
    let most = 0;
    for (let c = 0; c < k; c += 1) most = Math.max(most, Math.abs(first.weights[i * k + c] as number));
    return { name, most };
  });
  // In the order of their hashes, which is how the model stores them; a name whose hash another has is dropped.
  const byId = new Map<number, string>();
  for (const s of strength.sort((a, b) => b.most - a.most || (a.name < b.name ? -1 : 1))) {
    if (byId.size === options.maxFeatures) break;
    if (!byId.has(featureId(s.name))) byId.set(featureId(s.name), s.name);
  }
  const ids = [...byId.keys()].sort((a, b) => a - b);
  const kept = ids.map((id) => byId.get(id) as string);
  const { weights, bias } = regress(encode(rows, kept, options.characters), kept.length, options);
  let largest = 0;
  for (const w of weights) largest = Math.max(largest, Math.abs(w));
  const top = options.bits === 4 ? 7 : 127;
  const scale = Number(((largest || 1) / top).toPrecision(6));
  const levels = [...weights].map((w) => Math.max(-top, Math.min(top, Math.round(w / scale))));
  let bytes = '';
  if (options.bits === 8) for (const q of levels) bytes += String.fromCharCode(q & 0xff);
  else
    for (let i = 0; i < levels.length; i += 2)
      bytes += String.fromCharCode((((levels[i] as number) + 8) << 4) | ((levels[i + 1] ?? 0) + 8));
  return {
    labels: INTENTS,
    features: btoa(ids.map((id) => String.fromCharCode(id >> 16, (id >> 8) & 0xff, id & 0xff)).join('')),
    bits: options.bits,
    characters: options.characters,
    weights: btoa(bytes),
    bias: [...bias].map((b) => Number(b.toFixed(3))),
    scale,
    threshold: options.threshold,
    stopThreshold: options.stopThreshold,
  };
}

/** The committed module's text: what scripts/train-intent-model.ts writes and a test compares. */
export function intentModelModule(model: IntentModel): string {
  return [
    '// Written by `npx tsx scripts/train-intent-model.ts` from test/fixtures/replies (never the held-out files).',
    '// Do not edit: train again. The shape is IntentModel (functions/core/intent-model.ts).',
    'export const INTENT_MODEL = {',
    '  labels: [',
    ...model.labels.map((l) => `    '${l}',`),
    '  ],',
    '  features:',
    `    '${model.features}',`,
    `  bits: ${model.bits},`,
    `  characters: ${model.characters},`,
    '  weights:',
    `    '${model.weights}',`,
    `  bias: [${model.bias.join(', ')}],`,
    `  scale: ${model.scale},`,
    `  threshold: ${model.threshold},`,
    `  stopThreshold: ${model.stopThreshold},`,
    '} as const;',
    '',
  ].join('\n');
}
