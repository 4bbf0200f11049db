import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isHeldOut, type LoadedReply, loadReplies } from '../../../../bench/intent.ts';
import { type ReplyContext, readIntent, replyWords } from '../../../../functions/core/intent.ts';
import { INTENTS, type Intent } from '../../../../functions/core/intent-labels.ts';
import { featureId, intentFeatures, type LoadedModel } from '../../../../functions/core/intent-model.ts';
import { crossValidate } from '../../../../functions/core/intent-model-cv.ts';
import { intentModelModule, trainIntentModel } from '../../../../functions/core/intent-model-train.ts';

const SMS: ReplyContext = {
  receivedAt: new Date('2026-12-07T15:00:00Z'),
  zone: 'America/Chicago',
  channel: 'sms',
};

/** A model that reads `word` as `label` with the given probability (the rest spread over the other labels). */
function modelSaying(word: string, label: Intent, probability: number): LoadedModel {
  const k = INTENTS.length;
  const weights = new Float64Array(k);
  // softmax: p = e^w / (e^w + (k - 1)) for the one label, the others at 0
  weights[INTENTS.indexOf(label)] = Math.log((probability * (k - 1)) / (1 - probability));
  return {
    labels: INTENTS,
    index: new Map([[featureId(word), 0]]),
    weights,
    bias: INTENTS.map(() => 0),
    characters: false,
    threshold: 0.8,
    stopThreshold: 0.95,
  };
}

describe('the reader’s learned fallback (docs/architecture.md §9)', () => {
  it('is what scripts/train-intent-model.ts writes from the committed fixtures, never from a held-out file', () => {
    // Prepare
    const rows = loadReplies().filter((row) => !isHeldOut(row));
    const committed = readFileSync(
      new URL('../../../../functions/core/intent-model-weights.ts', import.meta.url),
      'utf8',
    );

    // Act
    const trained = intentModelModule(
      trainIntentModel(rows.map((r) => ({ lower: replyWords(r.text, r.channel).lower, label: r.label }))),
    );

    // Assess: run `npx tsx scripts/train-intent-model.ts` when this fails after a fixture changed
    expect(trained).toBe(committed);
  }, 60_000);

  it('reads what the rules leave without a cue, and only that', () => {
    // Prepare
    const model = modelSaying('thx', 'not-now', 0.9);

    // Act
    const unsure = readIntent('all good thx', SMS, model);
    const ruled = readIntent('Yes, interested thx', SMS, model);

    // Assess
    expect(unsure).toMatchObject({ label: 'not-now', confidence: 0.9, cue: '' });
    expect(ruled.label).toBe('interested');
  });

  it('leaves an unsure the rules chose (a hedge) unsure, however sure the model is', () => {
    // Prepare
    const model = modelSaying('fit', 'no', 0.999);

    // Act
    const reading = readIntent('Maybe not a fit for us.', SMS, model);

    // Assess
    expect(reading.label).toBe('unsure');
  });

  it.each<Intent>(['unsubscribe', 'referral', 'wrong-person'])('never guesses %s', (label) => {
    // Prepare
    const model = modelSaying('thx', label, 0.999);

    // Act
    const reading = readIntent('all good thx', SMS, model);

    // Assess
    expect(reading.label).toBe('unsure');
  });

  it('gives a no only above the stop threshold, any other label above the lower one', () => {
    // Prepare
    const below = modelSaying('thx', 'no', 0.9);
    const above = modelSaying('thx', 'no', 0.97);
    const unsureOfMeeting = modelSaying('thx', 'meeting', 0.7);

    // Act
    const read = (model: LoadedModel) => readIntent('all good thx', SMS, model).label;

    // Assess
    expect(read(below)).toBe('unsure');
    expect(read(above)).toBe('no');
    expect(read(unsureOfMeeting)).toBe('unsure');
  });

  it('reads the short refusals the rules left unsure, with the committed model', () => {
    // Act
    const reading = readIntent("we're good thx", SMS);

    // Assess: the words are the model's, so no cue
    expect(reading).toMatchObject({ label: 'no', cue: '' });
  });

  it('reads a long reply with no cue in linear time (features are one pass over the words)', () => {
    // Prepare: the most the reader reads, nothing a rule knows
    const long = 'the weather here is lovely and the coffee strong '.repeat(170);

    // Act
    const features = intentFeatures(long, false);
    const reading = readIntent(long, { ...SMS, channel: 'email' });

    // Assess: a word and a pair per word at most, deduplicated
    expect(features.length).toBeLessThan(2 * 10 + 3);
    expect(INTENTS).toContain(reading.label);
  });

  it('cross-validates file by file, never on a held-out file', () => {
    // Prepare: two development files and a held-out one
    const row = (file: string, text: string, label: Intent): LoadedReply => ({
      text,
      label,
      file,
      receivedAt: '2026-12-07T15:00:00Z',
      zone: 'UTC',
      channel: 'sms',
    });
    const rows = [
      row('a.jsonl', 'Yes, interested', 'interested'),
      row('b.jsonl', 'all good thx', 'not-now'),
      row('held-out-9.jsonl', 'all good thx', 'not-now'),
    ];
    const trainedOn: string[][] = [];

    // Act
    const folds = crossValidate(rows, (train) => {
      trainedOn.push(train.map((r) => r.file ?? ''));
      return modelSaying('thx', 'not-now', 0.9);
    });

    // Assess
    expect(folds.map((f) => f.file)).toEqual(['a.jsonl', 'b.jsonl']);
    expect(trainedOn).toEqual([['b.jsonl'], ['a.jsonl']]);
    expect(folds[1]).toMatchObject({ rulesAccuracy: 0, accuracy: 1, guessed: 1, guessedRight: 1 });
  });
});
