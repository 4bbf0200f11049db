import { writeFileSync } from 'node:fs';
import { isHeldOut, loadReplies } from '../bench/intent.ts';
import { replyWords } from '../functions/core/intent.ts';
import { intentModelModule, trainIntentModel } from '../functions/core/intent-model-train.ts';

// `npx tsx scripts/train-intent-model.ts`: the reader's fallback trained on the development replies (a held-out file
// judges the reader and is never learned from); a test fails when the committed model is not what this writes.
const rows = loadReplies().filter((row) => !isHeldOut(row));
const model = trainIntentModel(
  rows.map((r) => ({ lower: replyWords(r.text, r.channel).lower, label: r.label })),
);
const text = intentModelModule(model);
writeFileSync(new URL('../functions/core/intent-model-weights.ts', import.meta.url), text);
console.log(
  `wrote functions/core/intent-model-weights.ts: ${rows.length} replies, ${Buffer.byteLength(text)} bytes`,
);
