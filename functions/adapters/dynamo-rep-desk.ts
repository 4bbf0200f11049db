import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RotationCounter } from '../domain/assignment.ts';
import { taskDoneId } from '../domain/outcome-task.ts';
import type { SlaTimer, SlaTimers } from '../domain/sla.ts';
import { signalItemKey } from './dynamo/keys.ts';

/*
 * The reps' two items of the single table (#15), beside the lead's (dynamo/keys.ts):
 *
 *   pk        sk                                                 item
 *   ROTATION  OWNERS                                             the round-robin's position: `turn`, only ever ADDed to
 *   SLA       <dueAt>#<leadId>#<enrollmentId>#<step>#<level>     a task's pending deadline, soonest first
 *
 * Both partitions are the grants' dynamodb:LeadingKeys (lib/followup-stack.ts), so neither function reaches a lead's.
 */

export const ROTATION_PK = 'ROTATION';
export const SLA_PK = 'SLA';
const rotationKey = { pk: ROTATION_PK, sk: 'OWNERS' };
const instant = (at: string) => new Date(at).toISOString();
const timerSk = (t: SlaTimer) =>
  `${instant(t.dueAt)}#${t.leadId}#${t.enrollmentId}#${String(t.stepIndex).padStart(3, '0')}#${t.level}`;

export interface RepDeskOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** One UpdateItem ADD per turn: atomic, so concurrent signups each get their own value. */
export class DynamoRotation implements RotationCounter {
  constructor(private readonly options: RepDeskOptions) {}

  async next(): Promise<number> {
    const result = await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: rotationKey,
        UpdateExpression: 'ADD turn :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.turn ?? 1);
  }
}

export class DynamoSlaTimers implements SlaTimers {
  constructor(private readonly options: RepDeskOptions) {}

  async arm(timer: SlaTimer): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { pk: SLA_PK, sk: timerSk(timer), type: 'sla-timer', ...timer },
      }),
    );
  }

  async due(now: string, limit: number): Promise<SlaTimer[]> {
    const result = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'pk = :pk AND sk <= :upTo',
        ExpressionAttributeValues: { ':pk': SLA_PK, ':upTo': `${instant(now)}#\uffff` },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => ({
      leadId: String(item.leadId),
      enrollmentId: String(item.enrollmentId),
      cadenceId: String(item.cadenceId),
      stepIndex: Number(item.stepIndex),
      stepId: String(item.stepId),
      level: item.level === 2 ? 2 : 1,
      dueAt: String(item.dueAt),
      taskDueAt: String(item.taskDueAt),
      sla: String(item.sla),
      holder: String(item.holder),
    }));
  }

  async disarm(timer: SlaTimer): Promise<void> {
    await this.options.client.send(
      new DeleteCommand({ TableName: this.options.tableName, Key: { pk: SLA_PK, sk: timerSk(timer) } }),
    );
  }

  async taskDone(leadId: string, enrollmentId: string, stepIndex: number): Promise<boolean> {
    const result = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: signalItemKey({ leadId, signalId: taskDoneId({ enrollmentId, stepIndex }) }),
        ConsistentRead: true,
      }),
    );
    return result.Item !== undefined;
  }
}
