import { type Command, Option } from 'commander';

/*
 * `followup sending status` and `followup sending resume` (#15), added to bin/followup.ts's program. The command
 * module is imported when it runs, as the other commands are.
 */

export function registerSending(
  program: Command,
  run: (action: () => Promise<number>) => Promise<void>,
): void {
  const commands = () => import('./sending.ts');
  const sending = program
    .command('sending')
    .description('the sending governor: the daily cap and ramp, the send rate, the reputation pause')
    .addHelpText(
      'after',
      `
Configured by "sending" in followup.config.json (see its JSON Schema): a daily cap with a ramp for a new domain, an
account-wide send rate, and a pause of every marketing email when bounces or complaints over the last N sends reach
their threshold. Immediate (transactional) steps are never capped or paused. A touch waiting for capacity retries
for hours and is never sent twice.`,
    );
  const targets = (command: Command) =>
    command
      .option('--aws', 'the deployed stack (also FOLLOWUP_TARGET=aws); default: the local runtime')
      .option('--stack <name>', 'with --aws: the stack whose TableName output names the table', 'Followup')
      .option('--table <name>', 'with --aws: the DynamoDB table, instead of asking the stack')
      .option('--region <region>', 'with --aws: the AWS region (default: your AWS configuration)')
      .addOption(new Option('--data <dir>', "the local runtime's data folder").default('.followup'))
      .addOption(new Option('--config <file>', 'the config file').default('followup.config.json'))
      .addOption(new Option('--cadences <dir>', 'the cadence folder the config names').default('cadences'));

  targets(
    sending
      .command('status')
      .description(
        'emails sent today against the cap, tokens in the bucket, bounce and complaint rates, paused or not',
      )
      .option(
        '--json',
        'print {day, dailyCap?, sentToday, ratePerSecond, tokens, burst, reputation: {sends, bounces, complaints, bounceRate, complaintRate, breach?}, paused?}',
      )
      .addHelpText(
        'after',
        `
Examples:
  $ followup sending status
  $ followup sending status --aws --json`,
      ),
  ).action((options) => run(async () => (await commands()).statusCommand(options)));

  targets(
    sending
      .command('resume')
      .description('end a reputation pause after a look: marketing emails go out again')
      .option('--json', 'print {resumed}')
      .addHelpText(
        'after',
        `
The pause holds until a person resumes it: look at what bounced or complained first (a bought list, a bad import,
a template that reads as spam). The bounce and complaint window starts over at the resume.

Examples:
  $ followup sending resume
  $ followup sending resume --aws --region us-east-1`,
      ),
  ).action((options) => run(async () => (await commands()).resumeCommand(options)));
}
