import { type Command, Option } from 'commander';

/*
 * `followup touches unconfirmed` and `followup touches redrive` (docs/architecture.md §8.4), added to bin/followup.ts's
 * program. The command module is imported when it runs, as the other commands are.
 */

export function registerTouches(
  program: Command,
  run: (action: () => Promise<number>) => Promise<void>,
): void {
  const touches = program
    .command('touches')
    .description('touches that may or may not have gone out, and sending one again after checking');
  const touchesCommands = () => import('./touches.ts');
  const dataOption = () => new Option('--data <dir>', "the local runtime's data folder").default('.followup');

  touches
    .command('unconfirmed')
    .description('list the touches claimed and never confirmed: none is sent again on its own')
    .option(
      '--json',
      'print [{id, leadId, cadenceId, enrollmentId, stepId, stepIndex, channel, claimedAt, reason}]',
    )
    .option('--aws', 'read the deployed stack (also FOLLOWUP_TARGET=aws); default: the local runtime')
    .option('--stack <name>', 'with --aws: the stack whose TableName output names the table', 'Followup')
    .option('--table <name>', 'with --aws: the DynamoDB table, instead of asking the stack')
    .option('--region <region>', 'with --aws: the AWS region (default: your AWS configuration)')
    .addOption(dataOption())
    .addHelpText(
      'after',
      `
A touch is unconfirmed when the function stopped between claiming and sending it (found by the sweeper every
5 minutes, or by the next attempt), or when the provider took the message and its answer was lost. It may or may
not have reached the lead; the TouchesUnconfirmed alarm says there is one. Reads the list by key, never a scan.

Examples:
  $ followup touches unconfirmed
  $ followup touches unconfirmed --aws --json`,
    )
    .action((options) => run(async () => (await touchesCommands()).unconfirmedCommand(options)));

  touches
    .command('redrive')
    .description('send one unconfirmed touch once, after checking it was not delivered')
    .argument('<id>', 'the touch id from `followup touches unconfirmed` (LEAD/ENROLLMENT/STEP)')
    .option('--by <name>', 'who checked it and asks (default: your user name); kept on the touch')
    .option('--json', 'print {status, id, messageId?, reason?}')
    .option('--aws', 'redrive in the deployed stack (also FOLLOWUP_TARGET=aws); default: the local runtime')
    .option('--stack <name>', 'with --aws: the stack that names its Touch function', 'Followup')
    .option('--region <region>', 'with --aws: the AWS region (default: your AWS configuration)')
    .addOption(dataOption())
    .addHelpText(
      'after',
      `
Sends through the running local runtime (npm start), or with --aws through the deployed Touch function, so the
touch goes out with its role, sender identity, configuration set, logs and metrics. A touch already sent, or not
unconfirmed, is refused; a lead that has left the cadence, unsubscribed or withdrawn consent is not sent to (the
touch is recorded skipped).

With --aws, your own IAM needs cloudformation:DescribeStacks on the stack and lambda:InvokeFunction on its Touch
function (the stack's TouchFunctionName output).

Examples:
  $ followup touches redrive lead-8f2c/web-inquiry-lead-8f2c-1a2b3c4d/0 --by "Dana"
  $ followup touches redrive lead-8f2c/web-inquiry-lead-8f2c-1a2b3c4d/0 --aws --region us-east-1`,
    )
    .action((id: string, options) => run(async () => (await touchesCommands()).redriveCommand(id, options)));
}
