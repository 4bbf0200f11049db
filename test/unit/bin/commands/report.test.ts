import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../../../bin/commands/report.ts';
import { DynamoAggregates } from '../../../../functions/adapters/dynamo-aggregates.ts';
import { UsageError } from '../../../../functions/core/errors.ts';
import type { Report } from '../../../../functions/core/report.ts';
import { createFollowupTable } from '../../../../local/table.ts';

/*
 * `followup report` end to end on the local runtime's data: the files under .followup/ when nothing runs, the running
 * runtime's endpoint when `npm start` holds them, and the deployed table with --aws.
 */

const LOCAL_TABLE = 'followup';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'followup-report-'));
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

/** A dynalite like the runtime's: on disk under `path` when given; the table created and the counts written. */
async function runtimeTable(path?: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = dynalite({ ...(path ? { path } : {}), createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createFollowupTable(client, LOCAL_TABLE);
  const aggregates = new DynamoAggregates({
    client: DynamoDBDocumentClient.from(client),
    tableName: LOCAL_TABLE,
  });
  const key = (slot: number | 'closed', month = '2026-03') => ({ cadenceId: 'web-inquiry', month, slot });
  await aggregates.add(key(1), { sent: 50, sentEmail: 50, entered: 50, replies: 5, positiveReplies: 3 });
  await aggregates.add(key(2), {
    sent: 40,
    sentCall: 40,
    reachedTwo: 40,
    replies: 4,
    positiveReplies: 1,
    meetings: 1,
    won: 2,
    revenue: 3000,
  });
  await aggregates.add(key('closed', '2026-04'), {
    won: 2,
    revenue: 3000,
    wonAfterTwo: 2,
    revenueRecovered: 3000,
  });
  await aggregates.add(
    { cadenceId: 'proposal', month: '2026-05', slot: 1 },
    { sent: 10, sentEmail: 10, entered: 10 },
  );
  client.destroy();
  return { url, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const json = (text: string) => JSON.parse(text) as Report;

describe('followup report on the local runtime', () => {
  it('reads the files of a stopped runtime and prints the report as JSON, nothing else on stdout', async () => {
    // Prepare
    const table = await runtimeTable(join(dataDir, 'dynamodb'));
    await table.close();
    const t = terminal();

    // Act
    const code = await reportCommand({ data: dataDir, json: true }, t);

    // Assess
    expect(code).toBe(0);
    const report = json(t.out.stdout);
    expect(
      report.byTouch.map(({ touch, sent, replies, responseRate }) => ({
        touch,
        sent,
        replies,
        responseRate,
      })),
    ).toEqual([
      { touch: 1, sent: 60, replies: 5, responseRate: 5 / 60 },
      { touch: 2, sent: 40, replies: 4, responseRate: 0.1 },
    ]);
    expect(report).toMatchObject({ conversionRate: 2 / 40, avgTouchesToClose: 2, revenueRecovered: 3000 });
    expect(report.cadences.map((c) => c.cadence)).toEqual(['proposal', 'web-inquiry']);
  });

  it('reads through the running runtime’s endpoint while `npm start` holds the files', async () => {
    // Prepare: a runtime of this very process, as runtime.json names it.
    const table = await runtimeTable();
    writeFileSync(
      join(dataDir, 'runtime.json'),
      JSON.stringify({ pid: process.pid, dynamodbUrl: table.url }),
    );
    const t = terminal();

    // Act
    try {
      await reportCommand({ data: dataDir, cadence: 'web-inquiry', since: '2026-03', until: '2026-04' }, t);
    } finally {
      await table.close();
    }

    // Assess: a table for a person, one cadence, its months.
    expect(t.out.stdout).toContain('Follow-up report · cadence web-inquiry · 2026-03 to 2026-04');
    expect(t.out.stdout).toMatch(/^1\s+50\s+5\s+10\.0%/m);
    expect(t.out.stdout).toMatch(/conversion from follow-up\s+5\.0% \(2 won after 2\+ touches \/ 40 leads/);
    expect(t.out.stdout).toMatch(/revenue recovered\s+3,000/);
    expect(t.out.stdout).not.toContain('proposal');
  });

  it('adds positive replies by touch and meetings per 100 enrolled; rows without the counter read as 0', async () => {
    // Prepare: the proposal rows were written without a positiveReplies counter, as before #14.
    const table = await runtimeTable(join(dataDir, 'dynamodb'));
    await table.close();
    const json1 = terminal();
    const text = terminal();
    const csv = terminal();

    // Act
    await reportCommand({ data: dataDir, json: true }, json1);
    await reportCommand({ data: dataDir, cadence: 'web-inquiry' }, text);
    await reportCommand({ data: dataDir, csv: true, cadence: 'web-inquiry' }, csv);

    // Assess
    const report = json(json1.out.stdout);
    expect(report.byTouch.map((t) => [t.touch, t.positiveReplies, t.positiveReplyRate])).toEqual([
      [1, 3, 3 / 60],
      [2, 1, 1 / 40],
    ]);
    expect(report).toMatchObject({ positiveReplies: 4, positiveReplyRate: 4 / 60 });
    expect(report.meetingsPer100Enrolled).toBeCloseTo((100 * 1) / 60, 10);
    const proposal = report.cadences.find((c) => c.cadence === 'proposal');
    expect(proposal).toMatchObject({ positiveReplies: 0, positiveReplyRate: 0, meetingsPer100Enrolled: 0 });
    expect(text.out.stdout).toMatch(/touch\s+sent\s+replies\s+response rate\s+positive\s+positive rate/);
    expect(text.out.stdout).toMatch(/^1\s+50\s+5\s+10\.0%\s+3\s+6\.0%/m);
    expect(text.out.stdout).toMatch(/positive replies\s+4 \(8\.0% of leads contacted/);
    expect(text.out.stdout).toMatch(
      /meetings per 100 enrolled\s+2\.0 \(1 meetings; enrolled = leads contacted\)/,
    );
    const [head, ...rows] = csv.out.stdout.trim().split('\n');
    expect(head?.split(',').slice(-3)).toEqual([
      'positive_replies',
      'positive_reply_rate',
      'meetings_per_100_enrolled',
    ]);
    expect(rows[0]?.split(',').slice(-3)).toEqual(['3', '0.06', '']);
    expect(rows[2]?.split(',').slice(-3)).toEqual(['4', String(4 / 50), '2']);
  });

  it('prints CSV: a row per cadence × touch and a total row per cadence', async () => {
    // Prepare
    const table = await runtimeTable(join(dataDir, 'dynamodb'));
    await table.close();
    const t = terminal();

    // Act
    await reportCommand({ data: dataDir, csv: true, cadence: 'web-inquiry' }, t);

    // Assess
    const [head, ...rows] = t.out.stdout.trim().split('\n');
    expect(head?.split(',').slice(0, 3)).toEqual(['cadence', 'touch', 'sent']);
    expect(rows.map((r) => r.split(',').slice(0, 3).join(','))).toEqual([
      'all,1,50',
      'all,2,40',
      'all,total,90',
      'web-inquiry,1,50',
      'web-inquiry,2,40',
      'web-inquiry,total,90',
    ]);
  });

  it('says in one line that the files are busy when a process holds them without saying where its table is', async () => {
    // Prepare: a table served from the files, as a runtime older than runtime.json would.
    const table = await runtimeTable(join(dataDir, 'dynamodb'));

    // Act / Assess
    try {
      await expect(reportCommand({ data: dataDir }, terminal())).rejects.toThrow(
        new UsageError(
          `${join(dataDir, 'dynamodb')} is in use by another process that does not say where its table is (a local runtime started before this version?); restart it, or stop it and run the report again`,
        ),
      );
    } finally {
      await table.close();
    }
  });

  it('says there is no data yet when the runtime never ran, and still answers valid JSON', async () => {
    // Prepare
    const t = terminal();

    // Act
    await reportCommand({ data: join(dataDir, 'nothing'), json: true }, t);

    // Assess
    expect(json(t.out.stdout)).toMatchObject({ byTouch: [], conversionRate: null, revenueRecovered: 0 });
  });

  it('refuses months that are not YYYY-MM, or out of order, in one line', async () => {
    await expect(reportCommand({ data: dataDir, since: '2026-3' }, terminal())).rejects.toThrow(
      new UsageError('--since must be a month as YYYY-MM, e.g. --since 2026-03 (got "2026-3")'),
    );
    await expect(
      reportCommand({ data: dataDir, since: '2026-05', until: '2026-04' }, terminal()),
    ).rejects.toThrow(UsageError);
    await expect(reportCommand({ data: dataDir, json: true, csv: true }, terminal())).rejects.toThrow(
      UsageError,
    );
  });
});

describe('followup report --aws', () => {
  // Mocked here only: the tests above talk to a real dynalite through the same client classes.
  const mocks = () => ({
    cloudformation: mockClient(CloudFormationClient),
    dynamo: mockClient(DynamoDBDocumentClient),
  });
  let cloudformation: ReturnType<typeof mocks>['cloudformation'];
  let dynamo: ReturnType<typeof mocks>['dynamo'];

  beforeEach(() => {
    ({ cloudformation, dynamo } = mocks());
  });

  afterEach(() => {
    cloudformation.restore();
    dynamo.restore();
  });

  it('finds the table by the stack’s TableName output and reads only the aggregate partitions', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Followup',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'TableName', OutputValue: 'Followup-Table-1ABC' }],
        },
      ],
    });
    dynamo
      .on(QueryCommand, {
        ExpressionAttributeValues: { ':pk': 'AGG', ':from': 'MONTH#0000-00#', ':to': 'MONTH#9999-99#~' },
      })
      .resolves({ Items: [{ pk: 'AGG', sk: 'MONTH#2026-03#web-inquiry' }] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'AGG#web-inquiry#2026-03' } })
      .resolves({ Items: [{ pk: 'AGG#web-inquiry#2026-03', sk: 'TOUCH#001', sent: 8, replies: 2 }] });
    const t = terminal();

    // Act
    await reportCommand({ aws: true, region: 'us-east-1', json: true }, t);

    // Assess
    expect(cloudformation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: 'Followup',
    });
    const queries = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.TableName)).toEqual(['Followup-Table-1ABC', 'Followup-Table-1ABC']);
    expect(json(t.out.stdout).byTouch).toEqual([
      expect.objectContaining({ touch: 1, sent: 8, replies: 2, responseRate: 0.25 }),
    ]);
  });

  it('says which flag to pass when the stack cannot be read', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).rejects(new Error('Stack with id Nope does not exist'));

    // Act / Assess
    await expect(
      reportCommand({ aws: true, stack: 'Nope', region: 'us-east-1' }, terminal()),
    ).rejects.toThrow(/cannot read the stack "Nope".*pass --stack NAME or --table NAME/);
  });
});
