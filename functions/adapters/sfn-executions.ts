import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Executions } from '../domain/ports.ts';
import { errorName, rethrow } from './aws-errors.ts';

export const CADENCE_PLACEHOLDER = '{cadence}';

export interface SfnExecutionsOptions {
  readonly client: SFNClient;
  /** e.g. "arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live". */
  readonly stateMachineArnTemplate: string;
}

/** Executions on Step Functions: one Standard execution per enrollment, named by the enrollment id. */
export class SfnExecutions implements Executions {
  constructor(private readonly options: SfnExecutionsOptions) {}

  stateMachineArn(cadenceId: string): string {
    return this.options.stateMachineArnTemplate.replaceAll(CADENCE_PLACEHOLDER, cadenceId);
  }

  async start(cadenceId: string, name: string, inputJson: string) {
    try {
      const result = await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn(cadenceId),
          name,
          input: inputJson,
        }),
      );
      return { executionArn: result.executionArn, alreadyExisted: false };
    } catch (error) {
      // The name is the enrollment id: an execution of that name is this enrollment, started by an earlier try.
      if (errorName(error) === 'ExecutionAlreadyExists') return { alreadyExisted: true };
      return rethrow(error, 'Step Functions');
    }
  }
}
