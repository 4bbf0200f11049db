import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UsageError } from '../../functions/core/errors.ts';
import type { EnrollDeps } from '../../functions/domain/enroll.ts';
import { credentialProblem, resolveRegion } from './aws-access.ts';
import type { TableSource } from './table-source.ts';

/*
 * The deployed stack as the CLI sees it: one DescribeStacks by name and region, the outputs it names (TableName,
 * TouchFunctionName) and the SDK clients a command talks to it with. `report`, `touches` and `leads import` ask here.
 */

export interface StackOptions {
  /** The stack's name (default Followup). */
  readonly stack?: string;
  /** --table: the DynamoDB table, instead of asking the stack. */
  readonly table?: string;
  readonly region?: string;
}

/** What to say when the stack cannot give an output: the flag or step that does without it. */
export interface OutputHints {
  /** When the stack cannot be read, e.g. "pass --stack NAME or --table NAME". */
  readonly unreadable: string;
  /** When the stack has no such output, e.g. "pass --table NAME". */
  readonly missing: string;
}

const stackNameOf = (options: StackOptions) => options.stack ?? 'Followup';

/** The stack's outputs and its ARN; a credentials problem or an unreadable stack is one line. */
async function describeStack(
  stackName: string,
  region: string,
  unreadable: string,
): Promise<{ outputs: ReadonlyMap<string, string>; stackId: string }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudformation = new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    const outputs = new Map<string, string>();
    for (const { OutputKey, OutputValue } of stack?.Outputs ?? []) {
      if (OutputKey && OutputValue) outputs.set(OutputKey, OutputValue);
    }
    return { outputs, stackId: stack?.StackId ?? '' };
  } catch (error) {
    throw (
      credentialProblem(error) ??
      new UsageError(`cannot read the stack "${stackName}" (${(error as Error).message}); ${unreadable}`)
    );
  } finally {
    cloudformation.destroy();
  }
}

/** One output of the deployed stack: the table's name, the Touch function's. */
export async function stackOutput(
  stackName: string,
  key: string,
  region: string,
  hints: OutputHints,
): Promise<string> {
  const { outputs } = await describeStack(stackName, region, hints.unreadable);
  const value = outputs.get(key);
  if (!value) throw new UsageError(`the stack "${stackName}" has no ${key} output; ${hints.missing}`);
  return value;
}

/** The deployed stack's table and state machine ARNs, from its outputs and its ARN (region and account). */
export async function stackResources(
  stackName: string,
  regionOption?: string,
): Promise<{ tableName: string; stateMachineArnTemplate: string }> {
  const region = await resolveRegion(regionOption);
  const { outputs, stackId } = await describeStack(
    stackName,
    region,
    'check your AWS credentials and region, or name the stack with --stack',
  );
  const tableName = outputs.get('TableName');
  const [, partition, , stackRegion, account] = stackId.split(':');
  if (!tableName || !partition || !stackRegion || !account) {
    throw new UsageError(`the stack "${stackName}" has no TableName output; is it a Followup stack?`);
  }
  return {
    tableName,
    // lib/followup-stack.ts: one machine per cadence, `<stack>-<cadence>`, started through its alias "live".
    stateMachineArnTemplate: `arn:${partition}:states:${stackRegion}:${account}:stateMachine:${stackName}-{cadence}:live`,
  };
}

/** The deployed table: --table, else the stack's TableName output. */
export async function awsTable(options: StackOptions): Promise<TableSource> {
  const region = await resolveRegion(options.region);
  const tableName =
    options.table ??
    (await stackOutput(stackNameOf(options), 'TableName', region, {
      unreadable: 'pass --stack NAME or --table NAME',
      missing: 'pass --table NAME',
    }));
  const client = new DynamoDBClient({ region });
  return {
    client: DynamoDBDocumentClient.from(client),
    tableName,
    label: `the table ${tableName}`,
    close: async () => client.destroy(),
  };
}

/** What enrolls a lead in the deployed stack: its table and state machines, with the caller's credentials. */
export interface AwsEnrollment {
  readonly deps: EnrollDeps;
  readonly description: string;
  close(): Promise<void>;
}

/** The deployed stack's enrollment: the project's cadences and config, the stack's table and state machines. */
export async function awsEnrollment(options: StackOptions, root: string): Promise<AwsEnrollment> {
  const stackName = stackNameOf(options);
  const region = await resolveRegion(options.region);
  const { tableName, stateMachineArnTemplate } = await stackResources(stackName, region);
  const { loadCadencesSync } = await import('../../functions/adapters/cadence-files.ts');
  const { loadConfig } = await import('../../functions/adapters/config-file.ts');
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const config = loadConfig(join(root, 'followup.config.json'), new Set(cadences.map((c) => c.id)));
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const { DynamoLeadStore } = await import('../../functions/adapters/dynamo/lead-store.ts');
  const { SfnExecutions } = await import('../../functions/adapters/sfn-executions.ts');
  const { StaticCadenceCatalog } = await import('../../functions/adapters/cadence-catalog.ts');
  const dynamodb = new DynamoDBClient({ region });
  const sfn = new SFNClient({ region });
  return {
    deps: {
      store: new DynamoLeadStore({
        client: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
        tableName,
      }),
      executions: new SfnExecutions({ client: sfn, stateMachineArnTemplate }),
      cadences: new StaticCadenceCatalog(cadences),
      defaultTimeZone: config.defaultTimeZone,
    },
    description: `the stack ${stackName}`,
    close: async () => {
      dynamodb.destroy();
      sfn.destroy();
    },
  };
}

/** What Lambda answers a synchronous invocation: the function's return value, or the error it reports. */
export interface InvocationResult {
  readonly FunctionError?: string;
  readonly Payload?: Uint8Array;
}

/** The deployed Touch function (the stack's TouchFunctionName output), invoked once and waited for. */
export async function touchFunction(options: StackOptions): Promise<{
  readonly functionName: string;
  invoke(payload: string): Promise<InvocationResult>;
  close(): void;
}> {
  const region = await resolveRegion(options.region);
  const functionName = await stackOutput(stackNameOf(options), 'TouchFunctionName', region, {
    unreadable: 'pass --stack NAME and --region REGION; your IAM needs cloudformation:DescribeStacks on it',
    missing: 'deploy this version of Followup (npx cdk deploy), which names its Touch function there',
  });
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  // One attempt: a person reads the outcome, and a silent retry of an invocation that did run would be refused.
  const lambda = new LambdaClient({ region, maxAttempts: 1 });
  return {
    functionName,
    invoke: (payload) =>
      lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: payload,
        }),
      ),
    close: () => lambda.destroy(),
  };
}
