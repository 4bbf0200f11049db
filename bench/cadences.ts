import '../local/polyfills.ts';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import {
  compileCadence,
  compileGenericLoop,
  type StateMachineDefinition,
} from '../functions/core/compile.ts';
import { executionInput } from '../functions/core/execution-input.ts';
import type { Clock } from '../local/clock.ts';
import { type LocalFunction, LocalStepFunctions } from '../local/step-functions.ts';

/** Published us-east-1 prices (Step Functions Standard, Lambda arm64), checked 2026-11. */
export const PRICES = {
  stateTransition: 0.000025,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecondArm: 0.0000133334,
  /** Assumed per invocation: 512 MB for 100 ms. */
  lambdaGbSecondsPerInvocation: 0.5 * 0.1,
};

export interface CadenceFigures {
  readonly id: string;
  readonly steps: number;
  readonly transitionsPerLead: number;
  readonly transitionsPerLeadGenericLoop: number;
  readonly lambdaInvocationsPerLead: number;
  readonly lambdaInvocationsPerLeadGenericLoop: number;
  /** Step Functions + Lambda, per 1,000 leads that receive every touch. */
  readonly costPer1000Leads: number;
  readonly costPer1000LeadsGenericLoop: number;
}

const instant: Clock = { now: () => new Date('2026-06-01T12:00:00Z'), sleepUntil: async () => undefined };

const costPer1000 = (transitions: number, invocations: number) =>
  Math.round(
    1000 *
      (transitions * PRICES.stateTransition +
        invocations *
          (PRICES.lambdaRequest + PRICES.lambdaGbSecondsPerInvocation * PRICES.lambdaGbSecondArm)) *
      1000,
  ) / 1000;

async function run(
  definition: StateMachineDefinition,
  functions: Map<string, LocalFunction>,
  cadence: Cadence,
  leads: number,
) {
  const sfn = new LocalStepFunctions({
    definitions: new Map([['m', definition]]),
    functions,
    clock: instant,
  });
  for (let i = 0; i < leads; i++) {
    const input = executionInput(cadence, {
      leadId: `ld_${i}`,
      enrollmentId: `e${i}`,
      enrolledAt: '2026-06-01T12:00:00Z',
      zone: cadence.timezone ?? 'UTC',
    });
    await sfn.startExecution({
      stateMachineArn: LocalStepFunctions.stateMachineArn('m'),
      name: `e${i}`,
      input: JSON.stringify(input),
    });
  }
  await sfn.idle();
  return {
    transitions: sfn.counters.transitions / leads,
    invocations: sfn.counters.lambdaInvocations / leads,
  };
}

/**
 * Both shapes of the same cadence, run on the local runtime for leads that never reply (every touch happens):
 * the compiled chain (Wait + Task per touch) and the generic loop (Plan → Wait → Check → Choice → Send → Choice).
 */
export async function measureCadence(cadence: Cadence, leads = 50): Promise<CadenceFigures> {
  const targets = { touchFunction: 'touch', completeFunction: 'complete' };
  const noop: LocalFunction = async () => ({});
  const chain = await run(
    compileCadence(cadence, targets),
    new Map([
      ['touch', noop],
      ['complete', noop],
    ]),
    cadence,
    leads,
  );

  // The loop's one function plans, checks and sends by `action`, keeping each lead's position.
  const position = new Map<string, number>();
  const loopFunction: LocalFunction = async (payload) => {
    const { action, enrollmentId } = payload as { action: string; enrollmentId: string };
    const step = position.get(enrollmentId) ?? 0;
    if (action === 'plan') return { Payload: { at: '2026-06-01T12:00:00Z', stepIndex: step } };
    if (action === 'check') return { Payload: { active: true } };
    position.set(enrollmentId, step + 1);
    return { Payload: { more: step + 1 < cadence.steps.length } };
  };
  const loop = await run(
    compileGenericLoop(cadence, targets),
    new Map([
      ['touch', loopFunction],
      ['complete', noop],
    ]),
    cadence,
    leads,
  );

  return {
    id: cadence.id,
    steps: cadence.steps.length,
    transitionsPerLead: chain.transitions,
    transitionsPerLeadGenericLoop: loop.transitions,
    lambdaInvocationsPerLead: chain.invocations,
    lambdaInvocationsPerLeadGenericLoop: loop.invocations,
    costPer1000Leads: costPer1000(chain.transitions, chain.invocations),
    costPer1000LeadsGenericLoop: costPer1000(loop.transitions, loop.invocations),
  };
}
