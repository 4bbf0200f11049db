import { type Command, Option } from 'commander';

/*
 * The CLI's `cadence diff`, `cadence test` and `cadence promote` (docs/architecture.md §6), added to the `cadence` command of
 * bin/followup.ts. Each command module is imported when it runs, as the other commands are.
 */

export interface CadenceCommandParts {
  /** Runs a command's action and exits with its status (bin/followup.ts). */
  readonly run: (action: () => Promise<number>) => Promise<void>;
  readonly templatesOption: Option;
  readonly cadencesOption: Option;
}

export function registerCadenceEdits(cadence: Command, parts: CadenceCommandParts): void {
  const { run, templatesOption, cadencesOption } = parts;

  const cadenceDiff = () => import('../commands/cadence-diff.ts');
  const cadenceTest = () => import('../commands/cadence-test.ts');
  const cadencePromote = () => import('../commands/cadence-promote.ts');
  const targetOptions = (command: Command) =>
    command
      .option('--stack <name>', 'with --aws: the deployed stack', 'Followup')
      .option('--region <region>', 'with --aws: the AWS region (default: your AWS configuration)')
      .option('--data <dir>', "the local runtime's data folder", '.followup');

  targetOptions(
    cadence
      .command('diff')
      .description(
        'what an edit to a cadence changes, and how many leads in flight it reaches, before it lands',
      )
      .argument(
        '<file>',
        'the edited cadence file (a copy in drafts/, or cadences/<id>.json edited in place)',
      )
      .option(
        '--json',
        'print {changes, deployed?, templates, preview: {steps}, reach: {inFlight, keepOldSchedule, templates}}',
      )
      .option(
        '--aws',
        'compare with the deployed version and count the deployed table (also FOLLOWUP_TARGET=aws)',
      )
      .option('--table <name>', 'with --aws: the DynamoDB table, instead of asking the stack')
      .option('--now <iso>', "count reach from this instant (default: the engine's clock)")
      .option('--tz <zone>', "the sample lead's IANA time zone (default: the cadence's timezone)")
      .addOption(new Option('--templates <dir>', 'folder of the edited templates').default('templates'))
      .addOption(cadencesOption),
  )
    .addHelpText(
      'after',
      `
The version in force is cadences/<id>.json (what npm start loads and cdk deploy ships); when FILE is that file,
the committed one (git HEAD). Templates FILE names are compared the same way: --templates against the templates/
beside --cadences, or against git HEAD when --templates is that folder.

Each lead's schedule is fixed when it enrolls and its execution keeps the version it started on, so a step or
timing edit reaches new leads only: the diff says how many in-flight leads keep their old schedule, and shows old
and new times for a lead enrolled now. Templates are read when a touch is sent, so a wording edit reaches every lead
whose remaining touches use it: counted per step for the next 7 and 30 days, from the enrollments' stored schedules.
Reads the table by key (each lead's slots, found through the lead listings), never a scan; the heading says how
many leads were read. With --aws, the steps are also compared with the deployed "live" version's definition; your
IAM needs cloudformation:DescribeStacks, states:DescribeStateMachineAlias and states:DescribeStateMachine (on the
state machine's ARN, arn:aws:states:REGION:ACCOUNT:stateMachine:<stack>-<cadence>), and dynamodb:Query /
dynamodb:BatchGetItem on the table.

Examples:
  $ cp cadences/web-inquiry.json drafts/web-inquiry.json   # edit the copy, then:
  $ followup cadence diff drafts/web-inquiry.json
  $ followup cadence diff cadences/web-inquiry.json        # edited in place: against git HEAD
  $ followup cadence diff drafts/web-inquiry.json --templates drafts/templates --json
  $ followup cadence diff cadences/web-inquiry.json --aws --region us-east-1`,
    )
    .action((file: string, options) =>
      run(async () => (await cadenceDiff()).cadenceDiffCommand(file, options)),
    );

  targetOptions(
    cadence
      .command('test')
      .description(
        'send every touch of a cadence once to a test address, subject prefixed [TEST]; no lead is written',
      )
      .argument('<file>', 'a cadence file')
      .requiredOption('--to <address>', 'the email address that receives every touch (and the task emails)')
      .option('--phone <e164>', 'send the SMS touches as texts to this number (default: shown in an email)')
      .option('--aws', 'send through SES (and SNS) from the deployed stack (also FOLLOWUP_TARGET=aws)')
      .option('--json', 'print [{step, channel, template, via, to, subject, messageId}]')
      .addOption(templatesOption)
      .addOption(cadencesOption),
  )
    .addHelpText(
      'after',
      `
Each touch is rendered for the sample lead \`cadence validate\` uses and sent through the Touch function's own
delivery: the email with its unsubscribe footer and headers, the text, the rep's task email for call and task steps.
The sample lead lives in memory only: no lead, enrollment or task is written, and the links in a test message
unsubscribe no one. At most two sends a second.

Locally the messages land in the running engine's mailbox (npm start must run; see its Mailbox link). With --aws
they go through SES v2 from the deployed Touch function's sender (read with lambda:GetFunctionConfiguration; your
IAM also needs cloudformation:DescribeStacks and ses:SendEmail on the sender identity, sns:Publish for --phone); in
the SES sandbox --to must be a verified address.

Examples:
  $ followup cadence test cadences/web-inquiry.json --to me@example.com
  $ followup cadence test drafts/proposal.json --to me@example.com --phone +13125550142 --aws`,
    )
    .action((file: string, options) =>
      run(async () => (await cadenceTest()).cadenceTestCommand(file, options)),
    );

  cadence
    .command('promote')
    .description("make a step's winning variant its template: a normal, validated edit of the cadence file")
    .argument('<cadence>', 'a cadence id (a file in --cadences) or a path to a .json file')
    .argument('<step>', 'the id of the step whose variants are tested')
    .argument('<variant>', 'the id of the variant to keep')
    .addOption(cadencesOption)
    .addHelpText(
      'after',
      `
Rewrites the cadence file: the step's "variants" are replaced by "template": the winner's template. The file is
validated first and left as it was if the result is not a valid cadence. Use it when \`followup report\` names a
winner. With "autoPromote": true the engine switches by itself: its 5-minute sweep records the winner once every
variant was sent 200 times and one is best with probability >= 95%, and every touch after sends it; promoting it
here then makes it the file's template (the record is ignored once the step has no variants).
Leads already enrolled keep the schedule of their version; every touch from now on sends the promoted template.

Examples:
  $ followup cadence promote proposal did-it-arrive b
  $ followup cadence promote drafts/spring-promo.json intro short`,
    )
    .action((file: string, step: string, variant: string, options) =>
      run(async () => (await cadencePromote()).promoteCommand(file, step, variant, options)),
    );
}
