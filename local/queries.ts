import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';

/*
 * What the local dashboard and API read. Local only: the dashboard scans the (small) local table; the product's
 * reports never scan (they read the aggregates of issue #6).
 */

export type Item = Record<string, unknown>;

export async function itemsOfLead(
  client: DynamoDBDocumentClient,
  tableName: string,
  leadId: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LEAD#${leadId}` },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function scanAll(client: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const sk = (item: Item) => String(item.sk ?? '');

export interface LeadView {
  readonly lead: Item;
  readonly enrollments: Item[];
  readonly schedule: { step: string; channel: string; template: string; at: string; cadenceId: string }[];
  readonly touches: {
    step: string;
    channel: string;
    template: string;
    status: string;
    at: string;
    reason?: string;
    cadenceId: string;
    enrollmentId: string;
  }[];
  readonly tasks: Item[];
  readonly events: Item[];
}

/** GET /api/leads/:id: the lead, its enrollments, the schedule of its latest enrollment and every touch. */
export function leadView(items: readonly Item[]): LeadView | undefined {
  const lead = items.find((i) => sk(i) === 'LEAD');
  if (!lead) return undefined;
  const enrollments = items
    .filter((i) => sk(i).startsWith('ENR#'))
    .sort((a, b) => String(a.enrolledAt).localeCompare(String(b.enrolledAt)));
  const latest = enrollments.at(-1);
  const input = latest
    ? (JSON.parse(String(latest.inputJson)) as { schedule: LeadView['schedule'] })
    : undefined;
  const touches = items
    .filter((i) => sk(i).startsWith('TOUCH#'))
    .map((t) => ({
      step: String(t.stepId),
      channel: String(t.channel),
      template: String(t.template),
      status: String(t.status),
      at: String(t.at),
      ...(t.reason ? { reason: String(t.reason) } : {}),
      cadenceId: String(t.cadenceId),
      enrollmentId: String(t.enrollmentId),
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
  const { pk: _pk, sk: _sk, recentSends: _r, sendsVersion: _v, ...leadFields } = lead;
  return {
    lead: leadFields,
    enrollments: enrollments.map(({ pk: _p, sk: _s, inputJson: _i, ...rest }) => rest),
    schedule: (input?.schedule ?? []).map((s) => ({ ...s, cadenceId: String(latest?.cadenceId) })),
    touches,
    tasks: items.filter((i) => sk(i).startsWith('TASK#')),
    events: items.filter((i) => sk(i).startsWith('EVENT#')),
  };
}
