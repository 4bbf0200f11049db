import { type LocalStepFunctions, SfnError } from './step-functions.ts';

/**
 * The slice of the Step Functions API (AWS JSON 1.0 protocol) the handlers call, so they use the real
 * @aws-sdk/client-sfn pointed at the local runtime: StartExecution, StopExecution, DescribeExecution.
 */
export async function handleSfnRequest(
  sfn: LocalStepFunctions,
  target: string | undefined,
  body: string,
): Promise<{ status: number; body: string }> {
  const operation = target?.replace(/^AWSStepFunctions\./, '');
  try {
    const request: unknown = JSON.parse(body || '{}');
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return fail(400, 'SerializationException', 'the body must be a JSON object of the request fields');
    }
    switch (operation) {
      case 'StartExecution': {
        const problem = startExecutionProblem(request);
        if (problem) return fail(400, problem.type, problem.message);
        const { executionArn, startDate } = await sfn.startExecution(request as never);
        return ok({ executionArn, startDate: startDate.getTime() / 1000 });
      }
      case 'StopExecution': {
        if (!hasText(request, 'executionArn'))
          return fail(400, 'ValidationException', 'executionArn is required');
        const { stopDate } = await sfn.stopExecution(request as never);
        return ok({ stopDate: stopDate.getTime() / 1000 });
      }
      case 'DescribeExecution': {
        if (!hasText(request, 'executionArn'))
          return fail(400, 'ValidationException', 'executionArn is required');
        const {
          currentState: _state,
          startDate,
          stopDate,
          ...rest
        } = sfn.describeExecution(request as never);
        return ok({
          ...rest,
          startDate: startDate.getTime() / 1000,
          ...(stopDate ? { stopDate: stopDate.getTime() / 1000 } : {}),
        });
      }
      default:
        return fail(
          400,
          'UnknownOperationException',
          `the local runtime does not implement ${operation ?? 'this'}`,
        );
    }
  } catch (error) {
    if (error instanceof SyntaxError) return fail(400, 'SerializationException', error.message);
    if (error instanceof SfnError) return fail(400, error.name, error.message);
    throw error;
  }
}

const hasText = (request: object, field: string) =>
  typeof (request as Record<string, unknown>)[field] === 'string';

/** Step Functions' rule: 1-80 characters, no whitespace, brackets, wildcards, `"#%\\^|~\`$&,;:/` or control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

/** What Step Functions checks before it starts anything: an execution is never recorded from a bad request. */
function startExecutionProblem(request: object): { type: string; message: string } | undefined {
  const { stateMachineArn, name, input } = request as Record<string, unknown>;
  if (typeof stateMachineArn !== 'string')
    return { type: 'ValidationException', message: 'stateMachineArn is required' };
  if (name !== undefined && (typeof name !== 'string' || !EXECUTION_NAME.test(name))) {
    return { type: 'InvalidName', message: `Invalid Name: '${String(name)}'` };
  }
  if (input === undefined) return undefined;
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return undefined;
    } catch {}
  }
  return {
    type: 'InvalidExecutionInput',
    message: 'Invalid State Machine Execution Input: the input must be a JSON text',
  };
}

const ok = (value: unknown) => ({ status: 200, body: JSON.stringify(value) });
const fail = (status: number, type: string, message: string) => ({
  status,
  body: JSON.stringify({ __type: `com.amazonaws.states#${type}`, message }),
});
