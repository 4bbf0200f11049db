import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { rethrow } from '../aws-errors.ts';
import { isConditionFailed } from './expression.ts';

export type Item = Record<string, unknown>;
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/*
 * The table's requests as the stores make them: consistent reads, conditional writes answering true or false, and
 * every other SDK error mapped to the domain's (throttling becomes TransientError) by `rethrow`.
 */
export class DynamoTable {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: ItemKey): Promise<Item | undefined> {
    try {
      const result = await this.client.send(
        new GetCommand({ TableName: this.name, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
      );
      return result.Item;
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }

  async deleteItem(key: ItemKey): Promise<void> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.name, Key: { pk: key.pk, sk: key.sk } }));
    } catch (error) {
      rethrow(error, 'DynamoDB');
    }
  }

  /** A put; with a condition, false when the condition failed. */
  async put(
    input: Omit<PutCommandInput, 'TableName'>,
    condition?: string,
    values?: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.name,
          ...input,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...(values ? { ExpressionAttributeValues: values } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailed(error)) return false;
      return rethrow(error, 'DynamoDB');
    }
  }

  /** An update returning the item's attributes as asked; with a condition, undefined when the condition failed. */
  async update(input: Omit<UpdateCommandInput, 'TableName'>, condition?: string): Promise<Item | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.name,
          ...input,
          ...(condition ? { ConditionExpression: condition } : {}),
        }),
      );
      return result.Attributes ?? {};
    } catch (error) {
      if (condition && isConditionFailed(error)) return undefined;
      return rethrow(error, 'DynamoDB');
    }
  }

  async conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.name, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrow(error, 'DynamoDB');
    }
  }

  /** A delete; the old item when asked for it, false when the condition failed. */
  async conditionalDelete(input: Omit<DeleteCommandInput, 'TableName'>): Promise<Item | false> {
    try {
      const result = await this.client.send(new DeleteCommand({ TableName: this.name, ...input }));
      return result.Attributes ?? {};
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrow(error, 'DynamoDB');
    }
  }

  /** One page of a Query, consistent. */
  async queryPage(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
    try {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.name, ConsistentRead: true, ...input }),
      );
      return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }

  /** Every item of a Query, page by page. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryPage({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) });
      items.push(...page.items);
      start = page.next;
    } while (start);
    return items;
  }

  /** How many items a Query finds, page by page, without reading them out. */
  async count(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Select'>): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.name,
            ...input,
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        total += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
    return total;
  }

  /** Every item of a partition, in key order. */
  partition(pk: string): Promise<Item[]> {
    return this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
  }
}
