import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../../../bin/commands/report.ts';
import { DynamoPromotionStore } from '../../../../functions/adapters/dynamo/promotion-store.ts';
import { DynamoAggregates } from '../../../../functions/adapters/dynamo-aggregates.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import type { Promotion } from '../../../../functions/domain/promotion-ports.ts';
import { createFollowupTable } from '../../../../local/table.ts';
import { cadence } from '../../../support/handler-fixtures.ts';

/*
 * `followup report` on the local runtime's files says what autoPromote switched (docs/architecture.md §2.4): in its
 * experiments section, and in --json as `promotions`; none when the runtime has no data yet.
 */

const variantStep = (id: string) => ({
  id,
  wait: '0 minutes',
  channel: 'email' as const,
  variants: [
    { id: 'a', template: 'hello', weight: 1 },
    { id: 'b', template: 'first-call', weight: 1 },
  ],
});
const CADENCES: Cadence[] = [
  cadence({ id: 'ab', autoPromote: true, decideOn: 'positiveReplies', steps: [variantStep('first')] }),
  cadence({ id: 'other', autoPromote: true, steps: [variantStep('only')] }),
];
const promotion = (cadenceId: string, stepId: string): Promotion => ({
  cadenceId,
  stepId,
  variants: 'a+b',
  variant: 'b',
  decideOn: 'positiveReplies',
  probabilityBest: 0.9712,
  sent: { a: 1210, b: 1190 },
  at: '2026-03-20T14:05:00.000Z',
});

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'followup-report-promotion-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function terminal() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
}

/** A stopped runtime's files: the table with ab's variant counters and both cadences' promotions. */
async function stoppedRuntime(): Promise<void> {
  const server: Server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createFollowupTable(client, 'followup');
  const table = { client: DynamoDBDocumentClient.from(client), tableName: 'followup' };
  const aggregates = new DynamoAggregates(table);
  for (const [variant, positiveReplies] of [
    ['a', 60],
    ['b', 110],
  ] as const)
    await aggregates.add(
      { cadenceId: 'ab', month: '2026-03', slot: 'variant', owner: `first/${variant}` },
      { sent: 1200, replies: positiveReplies, positiveReplies },
    );
  await aggregates.add({ cadenceId: 'ab', month: '2026-03', slot: 1 }, { sent: 2400, sentEmail: 2400 });
  const promotions = new DynamoPromotionStore(table);
  await promotions.record(promotion('ab', 'first'));
  await promotions.record(promotion('other', 'only'));
  client.destroy();
  await new Promise<void>((done) => server.close(() => done()));
}

describe('followup report with autoPromote’s records', () => {
  it('--json prints the promotions in force beside the report', async () => {
    // Prepare
    await stoppedRuntime();
    const t = terminal();
    // Act
    const code = await reportCommand({ data: dataDir, json: true }, t, CADENCES);
    // Assess
    expect(code).toBe(0);
    const printed = JSON.parse(t.out.stdout) as { promotions: Promotion[]; byVariant: unknown[] };
    expect(printed.promotions).toEqual([promotion('ab', 'first'), promotion('other', 'only')]);
    expect(printed.byVariant).toHaveLength(2);
  });

  it('names the promotion in the experiments section; --cadence keeps only that cadence’s', async () => {
    // Prepare
    await stoppedRuntime();
    const t = terminal();
    // Act
    await reportCommand({ data: dataDir, cadence: 'ab' }, t, CADENCES);
    // Assess
    expect(t.out.stdout).toContain(
      'autoPromote: b promoted automatically on 2026-03-20, P(best) 97.1% on positiveReplies (sent: a 1,210, b 1,190); every touch of the step sends it since.',
    );
    expect(t.out.stdout).not.toContain('other · only');
  });

  it('prints no promotions when the runtime has no data yet', async () => {
    // Prepare
    const t = terminal();
    // Act
    await reportCommand({ data: dataDir, json: true }, t, CADENCES);
    // Assess
    expect(JSON.parse(t.out.stdout)).toMatchObject({ promotions: [] });
  });
});
