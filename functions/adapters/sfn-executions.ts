import { type SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { CADENCE_PLACEHOLDER } from '../core/machine-arn.ts';
import { StartRefused } from '../domain/errors.ts';
import type { Executions } from '../domain/ports.ts';
import { errorName, rethrow } from './aws-errors.ts';

/** StartExecution errors that stay until someone changes the stack, its grants or the cadence: never worth a retry. */
const REFUSALS = new Set([
  'AccessDeniedException',
  'StateMachineDoesNotExist',
  'StateMachineDeleting',
  'InvalidArn',
  'InvalidName',
  'InvalidExecutionInput',
  'ValidationException',
  'KmsAccessDeniedException',
  'KmsInvalidStateException',
]);

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

  /**
   * The ARN of an execution started through the alias: `…:stateMachine:<machine>:live` becomes
   * `…:execution:<machine>:<name>` (executions belong to the state machine, not to its alias or version).
   */
  executionArn(cadenceId: string, name: string): string {
    const parts = this.stateMachineArn(cadenceId).split(':');
    const [arn, partition, service, region, account, resource, machine] = parts;
    if (resource !== 'stateMachine' || machine === undefined) {
      throw new Error(`not a state machine ARN: ${this.stateMachineArn(cadenceId)}`);
    }
    return [arn, partition, service, region, account, 'execution', machine, name].join(':');
  }

  async stop(cadenceId: string, name: string): Promise<void> {
    try {
      await this.options.client.send(
        // No error or cause: with them, an execution encrypted with a customer key would need kms permissions.
        new StopExecutionCommand({ executionArn: this.executionArn(cadenceId, name) }),
      );
    } catch (error) {
      // Never started, or already gone: either way it sends nothing more.
      if (errorName(error) === 'ExecutionDoesNotExist') return;
      return rethrow(error, 'Step Functions');
    }
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
      if (REFUSALS.has(errorName(error))) {
        throw new StartRefused(errorName(error), (error as Error).message, { cause: error });
      }
      return rethrow(error, 'Step Functions');
    }
  }
}
