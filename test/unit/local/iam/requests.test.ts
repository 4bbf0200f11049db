import { describe, expect, it } from 'vitest';
import { checkAgainstReference } from '../../../../local/iam/reference.ts';
import { type AccountFacts, authorizationRequests } from '../../../../local/iam/requests.ts';

/*
 * A batch is authorized as AWS authorizes it: dynamodb:BatchWriteItem on each table it names, with every partition it
 * touches there as dynamodb:LeadingKeys, so a policy that limits the leading keys limits a batch as it does a put.
 */

const FACTS: AccountFacts = {
  partition: 'aws',
  region: 'local',
  account: '000000000000',
  verifiedIdentities: new Set(),
  bucketKey: () => undefined,
  secretArn: (id) => id,
  partitionKey: () => 'pk',
};

const batch = {
  client: 'DynamoDBClient',
  command: 'BatchWriteItemCommand',
  input: {
    RequestItems: {
      followup: [
        { PutRequest: { Item: { pk: { S: 'LEAD#ld_1' }, sk: { S: 'EVENT#1' } } } },
        { DeleteRequest: { Key: { pk: { S: 'RETRY' }, sk: { S: '2026#ld_1' } } } },
        { PutRequest: { Item: { pk: { S: 'LEAD#ld_1' }, sk: { S: 'EVENT#2' } } } },
      ],
    },
  },
};

describe('a BatchWriteItem, as IAM sees it', () => {
  it('is dynamodb:BatchWriteItem on the table, its leading keys every partition it writes, each once', async () => {
    // Act
    const requests = authorizationRequests(batch, FACTS);

    // Assess
    expect(requests).toEqual([
      {
        action: 'dynamodb:BatchWriteItem',
        resource: 'arn:aws:dynamodb:local:000000000000:table/followup',
        context: expect.objectContaining({ 'dynamodb:LeadingKeys': ['LEAD#ld_1', 'RETRY'] }),
      },
    ]);
    // The Service Authorization Reference lists dynamodb:LeadingKeys for BatchWriteItem.
    for (const request of requests) await expect(checkAgainstReference(request)).resolves.toBeUndefined();
  });

  it('names no leading keys when the table has no partition key the model knows', () => {
    // Act
    const [request] = authorizationRequests(batch, { ...FACTS, partitionKey: () => undefined });

    // Assess
    expect(request?.context).not.toHaveProperty('dynamodb:LeadingKeys');
  });
});
