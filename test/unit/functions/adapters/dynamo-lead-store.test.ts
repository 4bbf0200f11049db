import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../../functions/adapters/dynamo/lead-store.ts';
import { leadUpsert } from '../../../../functions/domain/enroll.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';
import type { TouchRecord } from '../../../../functions/domain/ports.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'followup-test';
const AT = '2026-03-04T15:30:00.000Z';
const LEAD_ID = leadIdFor('jordan@example.com');

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

function store() {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  return new DynamoLeadStore({ client, tableName: TABLE });
}

const TOUCH: TouchRecord = {
  leadId: LEAD_ID,
  enrollmentId: 'web-inquiry-ld_x-0123456789abcdef',
  stepIndex: 2,
  cadenceId: 'web-inquiry',
  stepId: 'text-offer',
  channel: 'sms',
  template: 'quick-text',
  scheduledAt: '2026-03-06T16:00:00Z',
  status: 'claimed',
  at: AT,
};

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoLeadStore: leads', () => {
  it('creates a new lead with one conditional put keyed by the email hash', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});
    // The month's lead count of the listings (docs/architecture.md §5.1), and the new lead's listing.
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    const upsert = leadUpsert(LEAD_ID, { email: 'jordan@example.com', name: 'Jordan' }, AT);

    // Act
    const result = await store().upsertLead(upsert);

    // Assess
    expect(result.created).toBe(true);
    const [put] = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(put).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `LEAD#${LEAD_ID}`, sk: 'LEAD', email: 'jordan@example.com', status: 'active' },
    });
    const leadUpdates = dynamo
      .commandCalls(UpdateCommand)
      .filter((c) => c.args[0].input.Key?.pk === `LEAD#${LEAD_ID}`);
    expect(leadUpdates).toEqual([]);
    // A lead this call created cannot have a listing yet: it is put without asking for an old one.
    const [listed] = dynamo.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]);
    expect(listed).toEqual([
      { PutRequest: { Item: expect.objectContaining({ type: 'listing', leadId: LEAD_ID }) } },
    ]);
  });

  it('a failed count fails its signup, so none is reported stored', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).rejects(throttled());
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    const leads = store();

    // Act
    const results = await Promise.allSettled(
      ['a@example.com', 'b@example.com'].map((email) =>
        leads.upsertLead(leadUpsert(leadIdFor(email), { email }, AT)),
      ),
    );

    // Assess
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // One count per new listing: the in-memory engine bills the same requests (local/memory/request-units.ts).
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('on ConditionalCheckFailed merges into the existing lead: fills gaps, replaces the zone, keeps the status', async () => {
    // Prepare: the lead exists (its create fails its condition); the listing's put has none
    dynamo.on(PutCommand).resolves({});
    dynamo.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(conditionFailed());
    dynamo.on(UpdateCommand).resolves({
      Attributes: {
        pk: `LEAD#${LEAD_ID}`,
        sk: 'LEAD',
        leadId: LEAD_ID,
        email: 'jordan@example.com',
        status: 'replied',
      },
    });
    const upsert = leadUpsert(
      LEAD_ID,
      { email: 'jordan@example.com', name: 'Jordan', zone: 'America/Denver' },
      AT,
    );

    // Act
    const result = await store().upsertLead(upsert);

    // Assess
    expect(result.created).toBe(false);
    expect(result.lead).toMatchObject({ leadId: LEAD_ID, status: 'replied', touchCount: 0, recentSends: [] });
    expect(result.lead).not.toHaveProperty('pk');
    const [update] = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(update?.ConditionExpression).toBe('attribute_exists(pk)');
    expect(update?.UpdateExpression).toMatch(/#name = if_not_exists\(#name, :v\d+\)/);
    expect(update?.UpdateExpression).toMatch(/#zone = :v\d+/);
    expect(update?.UpdateExpression).not.toContain('#status');
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#name': 'name', '#zone': 'zone' });
  });

  it('reads a lead with a consistent read, and returns undefined when there is none', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const lead = await store().getLead(LEAD_ID);

    // Assess
    expect(lead).toBeUndefined();
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: `LEAD#${LEAD_ID}`, sk: 'LEAD' },
      ConsistentRead: true,
    });
  });

  it('changes a status only from the status it was read in, and records the event only then', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    const event = {
      at: AT,
      kind: 'status',
      source: 'cadence:web-inquiry',
      from: 'active',
      to: 'nurture',
    } as const;

    // Act
    const changed = await store().changeStatus(LEAD_ID, 'active', 'nurture', event);

    // Assess
    expect(changed).toBe(false);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe('#status = :from');
    expect(dynamo.commandCalls(PutCommand)).toEqual([]);
  });

  it('turns DynamoDB throttling and 5xx errors into TransientError', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(
        new DynamoDBServiceException({
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        }),
      );

    // Act
    const errors = [
      await store()
        .getLead(LEAD_ID)
        .catch((e: unknown) => e),
      await store()
        .getLead(LEAD_ID)
        .catch((e: unknown) => e),
    ];

    // Assess
    expect(errors).toMatchObject([{ name: 'TransientError' }, { name: 'TransientError' }]);
  });

  it('lets other errors through as they are', async () => {
    // Prepare
    dynamo
      .on(GetCommand)
      .rejects(
        new DynamoDBServiceException({ name: 'ResourceNotFoundException', $fault: 'client', $metadata: {} }),
      );

    // Act
    const error = await store()
      .getLead(LEAD_ID)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('DynamoLeadStore: touches', () => {
  it('claims a touch with a conditional put that a failed touch does not block', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const existing = await store().claimTouch(TOUCH);

    // Assess
    expect(existing).toBeUndefined();
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: { pk: `LEAD#${LEAD_ID}`, sk: `TOUCH#${TOUCH.enrollmentId}#002`, status: 'claimed' },
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :failed',
    });
  });

  it('on ConditionalCheckFailed returns the touch already recorded, without its keys', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({
      Item: {
        pk: `LEAD#${LEAD_ID}`,
        sk: `TOUCH#${TOUCH.enrollmentId}#002`,
        type: 'touch',
        ...TOUCH,
        status: 'sent',
      },
    });

    // Act
    const existing = await store().claimTouch(TOUCH);

    // Assess
    expect(existing).toEqual({ ...TOUCH, status: 'sent' });
  });

  it('turns throttling on a claim into TransientError', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(throttled());

    // Act
    const error = await store()
      .claimTouch(TOUCH)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'TransientError' });
  });

  it('releases only a claim, never a sent touch', async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    // Act
    await store().releaseTouch(TOUCH);

    // Assess
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#status = :claimed',
      ExpressionAttributeValues: { ':claimed': 'claimed' },
    });
  });

  it('takes a frequency-cap slot only if no other send changed the list since it was read', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const reserved = await store().reserveSends(LEAD_ID, 4, [`${AT}|x#1`]);

    // Assess
    expect(reserved).toBe(false);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'sendsVersion = :version',
      ExpressionAttributeValues: { ':version': 4, ':next': 5 },
    });
  });
});

describe('DynamoLeadStore: enrollments', () => {
  const pointer = {
    leadId: LEAD_ID,
    cadenceId: 'web-inquiry',
    enrollmentId: 'web-inquiry-new',
    inputJson: '{}',
    createdAt: AT,
    endsAt: '2026-07-01T15:00:00Z',
  };

  it('hands back the holder of a taken enrollment slot', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({
      Item: { pk: `LEAD#${LEAD_ID}`, sk: 'ACTIVE#web-inquiry', ...pointer, enrollmentId: 'web-inquiry-old' },
    });

    // Act
    const holder = await store().claimActive(pointer);

    // Assess
    expect(holder).toEqual({ ...pointer, enrollmentId: 'web-inquiry-old' });
  });

  it('frees a slot only for the enrollment that holds it', async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    // Act
    const released = await store().releaseActive(LEAD_ID, 'web-inquiry', 'web-inquiry-other');

    // Assess
    expect(released).toBe(false);
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: `LEAD#${LEAD_ID}`, sk: 'ACTIVE#web-inquiry' },
      ConditionExpression: 'enrollmentId = :id',
    });
  });

  it("lists a lead's running enrollments with one query of its partition", async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ pk: `LEAD#${LEAD_ID}`, sk: 'ACTIVE#web-inquiry', ...pointer }] });

    // Act
    const active = await store().listActive(LEAD_ID);

    // Assess
    expect(active).toEqual([pointer]);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `LEAD#${LEAD_ID}`, ':prefix': 'ACTIVE#' },
    });
  });
});
