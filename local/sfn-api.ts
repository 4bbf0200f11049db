import type { LocalStepFunctions } from './step-functions.ts';

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
    const request = JSON.parse(body || '{}');
    switch (operation) {
      case 'StartExecution': {
        const { executionArn, startDate } = await sfn.startExecution(request);
        return ok({ executionArn, startDate: startDate.getTime() / 1000 });
      }
      case 'StopExecution': {
        const { stopDate } = await sfn.stopExecution(request);
        return ok({ stopDate: stopDate.getTime() / 1000 });
      }
      case 'DescribeExecution': {
        const { currentState: _state, startDate, stopDate, ...rest } = sfn.describeExecution(request);
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
    const { name, message } = error as Error;
    if (error instanceof SyntaxError) return fail(400, 'SerializationException', message);
    return fail(400, name, message);
  }
}

const ok = (value: unknown) => ({ status: 200, body: JSON.stringify(value) });
const fail = (status: number, type: string, message: string) => ({
  status,
  body: JSON.stringify({ __type: `com.amazonaws.states#${type}`, message }),
});
