import { AsyncLocalStorage } from 'node:async_hooks';
import { CADENCE_PLACEHOLDER } from '../../functions/core/machine-arn.ts';
import { StartRefused } from '../../functions/domain/errors.ts';
import type { Executions } from '../../functions/domain/ports.ts';
import { type LocalStepFunctions, SfnError } from '../step-functions.ts';

/*
 * Executions straight on LocalStepFunctions, as SfnExecutions over the loopback shim (local/sfn-api.ts) behaves:
 * the same ARNs and names, the same checks before a start, the same errors and what the adapter makes of them.
 */

/** Step Functions' rule for names, as local/sfn-api.ts checks it before it starts anything. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

export class MemoryExecutions implements Executions {
  /*
   * The shim answers on a server made outside any execution or signal: a start runs in that context here too, so
   * the execution it starts inherits no touch's or signup's virtual "now".
   */
  private readonly outside = AsyncLocalStorage.snapshot();

  constructor(
    private readonly sfn: LocalStepFunctions,
    /** e.g. "arn:aws:states:local:000000000000:stateMachine:Followup-{cadence}:live". */
    private readonly stateMachineArnTemplate: string,
  ) {}

  async start(cadenceId: string, name: string, inputJson: string) {
    const stateMachineArn = this.stateMachineArnTemplate.replaceAll(CADENCE_PLACEHOLDER, cadenceId);
    if (!EXECUTION_NAME.test(name)) throw refused('InvalidName', `Invalid Name: '${name}'`);
    try {
      JSON.parse(inputJson);
    } catch {
      throw refused(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input must be a JSON text',
      );
    }
    try {
      const { executionArn } = await this.outside(() =>
        this.sfn.startExecution({ stateMachineArn, name, input: inputJson }),
      );
      return { executionArn, alreadyExisted: false };
    } catch (error) {
      if (!(error instanceof SfnError)) throw error;
      if (error.name === 'ExecutionAlreadyExists') return { alreadyExisted: true };
      throw refused(error.name, error.message);
    }
  }

  async stop(cadenceId: string, name: string): Promise<void> {
    // As SfnExecutions names it: executions belong to the state machine, not to its alias.
    const [arn, partition, service, region, account, , machine] = this.stateMachineArnTemplate
      .replaceAll(CADENCE_PLACEHOLDER, cadenceId)
      .split(':');
    const executionArn = [arn, partition, service, region, account, 'execution', machine, name].join(':');
    try {
      await this.outside(() => this.sfn.stopExecution({ executionArn }));
    } catch (error) {
      // Never started, or already gone: either way it sends nothing more.
      if (error instanceof SfnError && error.name === 'ExecutionDoesNotExist') return;
      throw error;
    }
  }
}

/** What SfnExecutions makes of a refusal no retry fixes. */
const refused = (name: string, message: string) =>
  new StartRefused(name, message, { cause: Object.assign(new Error(message), { name }) });
