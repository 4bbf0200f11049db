import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redriveCommand } from '../../../../bin/commands/touches.ts';
import { UsageError } from '../../../../functions/core/errors.ts';

/*
 * `followup touches redrive ID --aws`: the stack's TouchFunctionName output names the deployed Touch function, which
 * is invoked once and waited for; its answer, refusal or failure is one line for the person who asked.
 */

const ID = 'ld_8f2c/web-inquiry-ld_8f2c-1a2b3c4d/0';
const FUNCTION = 'Followup-Touch4A1B2C-x9YzAbCdEf';
const OPTIONS = { aws: true, region: 'eu-west-1', by: 'Dana' } as const;

const cloudformation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

function terminal() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
}

/** Lambda answers the function's return value (or its error) as JSON bytes. */
const payload = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput['Payload'];

const stackWith = (outputs: { OutputKey: string; OutputValue: string }[]) => ({
  Stacks: [
    {
      StackName: 'Followup',
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE' as const,
      Outputs: outputs,
    },
  ],
});

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

beforeEach(() => {
  cloudformation.reset();
  lambda.reset();
  cloudformation.on(DescribeStacksCommand).resolves(
    stackWith([
      { OutputKey: 'TableName', OutputValue: 'Followup-Table-1ABC' },
      { OutputKey: 'TouchFunctionName', OutputValue: FUNCTION },
    ]),
  );
});

afterEach(() => {
  cloudformation.reset();
  lambda.reset();
});

describe('followup touches redrive --aws', () => {
  it('invokes the stack’s Touch function once, waiting for it, and says the touch was sent', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ ok: true, status: 'sent', id: ID, messageId: 'ses-1' }),
    });
    const t = terminal();

    // Act
    const code = await redriveCommand(ID, { ...OPTIONS, stack: 'Followup-prod' }, t);

    // Assess
    expect(code).toBe(0);
    expect(t.out.stdout).toBe(`Sent ${ID} once, redriven by Dana.\n`);
    expect(cloudformation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: 'Followup-prod',
    });
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toMatchObject({ FunctionName: FUNCTION, InvocationType: 'RequestResponse' });
    expect(JSON.parse(String(invokes[0]?.Payload))).toEqual({ redrive: { id: ID, by: 'Dana' } });
    expect(await lambda.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('prints the result with --json, as the local redrive does', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ ok: true, status: 'sent', id: ID, messageId: 'ses-1' }),
    });
    const t = terminal();

    await redriveCommand(ID, { ...OPTIONS, json: true }, t);

    expect(JSON.parse(t.out.stdout)).toEqual({ status: 'sent', id: ID, messageId: 'ses-1' });
  });

  it('says the touch was recorded skipped when the lead may not be contacted any more', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ ok: true, status: 'skipped', id: ID, reason: 'redrive by Dana: unsubscribed' }),
    });
    const t = terminal();

    await redriveCommand(ID, OPTIONS, t);

    expect(t.out.stdout).toBe('Not sent: redrive by Dana: unsubscribed. The touch is recorded skipped.\n');
  });

  it('prints the function’s refusal as the one line, as the local redrive does', async () => {
    // Prepare
    const refused = `the touch ${ID} was already sent (at 2026-03-04T16:00:00.000Z, message ses-1); it is not sent again`;
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: payload({ ok: false, status: 'refused', id: ID, refused }) });
    const t = terminal();

    // Act / Assess
    await expect(redriveCommand(ID, OPTIONS, t)).rejects.toThrow(new UsageError(refused));
    expect(t.out.stdout).toBe('');
  });

  it('says what the function failed with, and to check the list before another try', async () => {
    // Prepare: the function timed out (Lambda reports it, the function never answered)
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 30.00 seconds' }),
    });

    // Act
    const error = await redriveCommand(ID, OPTIONS, terminal()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain(
      `the Touch function ${FUNCTION} failed (Sandbox.Timedout: Task timed out after 30.00 seconds)`,
    );
    expect(message).toContain('check `followup touches unconfirmed --aws` before trying again');
    expect(message).not.toContain('\n');
  });

  it('says to deploy this version when the stack names no Touch function, and invokes nothing', async () => {
    // Prepare: a stack deployed before the output existed
    cloudformation
      .on(DescribeStacksCommand)
      .resolves(stackWith([{ OutputKey: 'TableName', OutputValue: 'Followup-Table-1ABC' }]));

    // Act / Assess
    await expect(redriveCommand(ID, OPTIONS, terminal())).rejects.toThrow(
      new UsageError(
        'the stack "Followup" has no TouchFunctionName output; deploy this version of Followup (npx cdk deploy), which names its Touch function there',
      ),
    );
    expect(lambda.calls()).toHaveLength(0);
  });

  it('says how to set credentials when there are none, and invokes nothing', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));

    await expect(redriveCommand(ID, OPTIONS, terminal())).rejects.toThrow(
      /^no AWS credentials found: run `aws configure`/,
    );
    expect(lambda.calls()).toHaveLength(0);
  });

  it('names the permission when the user may not invoke the function', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(
        awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dana is not authorized'),
      );

    await expect(redriveCommand(ID, OPTIONS, terminal())).rejects.toThrow(
      new UsageError(`you may not invoke ${FUNCTION}: your IAM needs lambda:InvokeFunction on it`),
    );
  });

  it('refuses an id that is not one before asking AWS anything', async () => {
    await expect(redriveCommand('ld_8f2c', OPTIONS, terminal())).rejects.toThrow(/is not a touch id/);
    expect(cloudformation.calls()).toHaveLength(0);
  });
});
