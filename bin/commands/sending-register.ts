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
Configured by "sending" in followup.config.json (every field is in followup.config.schema.json); the shipped config
has one. "sending": false (or no block) turns the governor off: no request of its own, nothing capped or paused.
  ratePerSecond   emails a second for all touches, one token bucket; "account" (the default): the SES account's
                  MaxSendRate, read with GetAccount at most every 15 minutes (needs ses:GetAccount, granted on "*":
                  the action has no resource type)
  dailyCap        emails a day (the day of timeZone); unset with "account": the account's Max24HourSend (none at -1)
  ramp, rampStart daily caps for a new domain: day n after rampStart caps at ramp[n], then dailyCap
  timeZone        where a sending day begins; default defaultTimeZone
  fallback        {ratePerSecond, dailyCap} while GetAccount cannot be read (logged once): default 1 and 200, the
                  SES sandbox's limits, safe on any account
  local           {ratePerSecond, dailyCap?}: what "account" means on the local runtime, simulate running ungoverned (the local
                  SES has no GetAccount); default 14 a second, no cap
  sms             {ratePerSecond}: texts' own bucket, your number's MPS (default 1, a 10DLC number's default; US
                  toll-free 3, short code 100); texts are never capped
  pause           {bounceRate, complaintRate, overLast}: pause marketing emails and texts when hard bounces or
                  complaints over the last overLast sends reach the rate (default 0.04, 0.0008, 1000: below SES's
                  review levels of 5% and 0.1%)
Immediate (transactional) steps and reps' task notices are never capped or paused, but take a token. A touch
waiting for capacity retries for hours (about three days in all) and is never sent twice.`,
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
        'emails sent today against the cap, the rate in force and where it comes from, tokens in the email and text buckets, bounce and complaint rates, paused or not',
      )
      .option(
        '--json',
        'print {day, dailyCap?, sentToday, ratePerSecond, rateSource (config|account|fallback|local), tokens, burst, sms: {ratePerSecond, tokens, burst}, reputation: {sends, bounces, complaints, bounceRate, complaintRate, breach?}, paused?}',
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
