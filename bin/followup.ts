import { Command, Option } from 'commander';
import { registerCadenceEdits } from './cadence-diff/register.ts';
import { REPORT_JSON_HELP, SPEED_TO_LEAD_HELP } from './commands/report-help.ts';
import { registerSending } from './commands/sending-register.ts';
import { registerTouches } from './commands/touches-register.ts';
import { fail } from './output.ts';

const program = new Command('followup')
  .description('Followup: automatic, polite, measurable lead follow-up on AWS (or on this machine).')
  .showHelpAfterError('(run with --help for usage and examples)')
  .configureOutput({ outputError: (text, write) => write(text) })
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 1))
  .addHelpText(
    'after',
    `
Examples:
  $ followup cadence validate                 check every cadence in cadences/ and the templates they use
  $ followup cadence preview cadences/proposal.json --start 2026-12-18T17:45:00-06:00 --tz America/Chicago
  $ followup cadence lint                      sales advice on every touch's wording
  $ followup simulate --cadence web-inquiry --leads 1000 --seed 7   forecast a cadence before it goes live
  $ followup leads import contacts.csv --cadence web-inquiry        enroll a list: rate limited, resumable
  $ followup report                            response rate by touch, conversion, revenue recovered
  $ followup touches unconfirmed               touches that may not have gone out, to check and redrive
  $ followup doctor --aws                      before cdk deploy: what is ready in your account, what to fix`,
  );

const cadence = program
  .command('cadence')
  .description('write, check and preview cadences (the JSON files in cadences/)')
  .addHelpText(
    'after',
    `
A cadence is a JSON file of touches ("day 1 email, day 3 email, day 7 call ...") that marketers edit.
Start from one in cadences/; the "$schema" line gives your editor autocomplete and error marks.`,
  );

const templatesOption = new Option('--templates <dir>', 'folder of the templates').default('templates');
const cadencesOption = new Option('--cadences <dir>', 'folder checked when no FILE is given').default(
  'cadences',
);
// Commands are imported when they run, so `followup cadence preview` does not load the template engine.
const run = (action: () => Promise<number>) => action().then((code) => process.exit(code), fail);
const validate = () => import('./commands/validate.ts');
const preview = () => import('./commands/preview.ts');
const compile = () => import('./commands/compile.ts');

cadence
  .command('validate')
  .description('check cadence files against the schema and render every template they use with a sample lead')
  .argument('[file...]', 'cadence files (default: every file in cadences/)')
  .addOption(templatesOption)
  .addOption(cadencesOption)
  .option('--json', 'print {ok, files: [{file, id, ok, issues: [{path, message}]}]} on stdout')
  .addHelpText(
    'after',
    `
Every problem is reported with its JSON path, what is wrong and what is allowed:
  ✗ cadences/proposal.json: steps[3].wait: "3 bizdays" is not a duration; use e.g. "3 business days"
Beyond the basics it checks: "sendWindow": "immediate" (never on SMS), "spread" (minutes or hours, within the
window), a call or task step's "sla" ("15 business minutes": escalated to the next rep, then the owner, when the
task is not done in time; reps are "owners" in followup.config.json), "variants" instead of "template" (weights,
templates that exist), "holdout" (0 to 0.5), "decideOn" and "autoPromote". cadences/cadence.schema.json explains
every field in your editor.
Exit status: 0 when every file is valid, 1 otherwise.

Examples:
  $ followup cadence validate
  $ followup cadence validate cadences/proposal.json drafts/spring-promo.json`,
  )
  .action((files: string[], options) => run(async () => (await validate()).validateCommand(files, options)));

cadence
  .command('preview')
  .description('show when each touch of a cadence would go out for a lead enrolled at --start')
  .argument('<file>', 'a cadence file, wherever it lives (its templates need not exist yet)')
  .option('--start <iso>', 'enrollment instant, ISO 8601 with an offset (default: now)')
  .option('--tz <zone>', "the lead's IANA time zone (default: the cadence's timezone)")
  .option('--json', "print [{step, channel, template, at}] on stdout, at in ISO 8601 with the zone's offset")
  .option('--email <address>', 'the lead whose times to show with "spread" (its id is derived)')
  .option('--lead <id>', 'the same, by lead id (ld_…, as the dashboard shows it)')
  .addHelpText(
    'after',
    `
The preview is computed by the same function production uses at enrollment, so it is exactly what will happen:
send windows, weekends, holidays and the minimum gap are all applied, and the note column says why a touch moved.
A step with "sendWindow": "immediate" is noted "immediately, any hour": it goes out the moment its wait is over.
A cadence with "spread" places each lead's moved touches at its own offset after the window opens: pass --email
or --lead to see one lead's exact times; without them the note gives the span.

Examples:
  $ followup cadence preview cadences/proposal.json --start 2026-12-18T17:45:00-06:00 --tz America/Chicago
  $ followup cadence preview cadences/web-inquiry.json --start 2026-12-18T23:30:00-06:00 --email ana@example.com
  $ followup cadence preview drafts/webinar.json --tz Europe/Berlin --json`,
  )
  .action((file: string, options) => run(async () => (await preview()).previewCommand(file, options)));

cadence
  .command('lint')
  .description(
    'sales advice on the wording of every touch: no "just checking in", 3-5 sentences, value each time',
  )
  .argument('[file...]', 'cadence files (default: every file in cadences/)')
  .addOption(templatesOption)
  .addOption(cadencesOption)
  .option('--json', 'print {ok, findings: [{file, step, template, rule, message}]} on stdout')
  .addHelpText(
    'after',
    `
Rules: no "just checking in" / "touching base"; at most 5 sentences; every email names something about the lead;
SMS within one segment (160 GSM-7 or 70 UCS-2 characters); every touch declares its value-add ("value:" in the
template's front matter); an "immediate" step falls due within the hour of what the lead did (it sends at
any hour, so one that waits days lands at 03:00 as readily as at 10:00). Exit status 1 when there is advice to act on.

Example:
  $ followup cadence lint cadences/web-inquiry.json`,
  )
  .action((files: string[], options) => run(async () => (await validate()).lintCommand(files, options)));

cadence
  .command('compile')
  .description('print the Step Functions definition (Amazon States Language) a cadence compiles to')
  .argument('<file>', 'a cadence file')
  // CloudFormation DefinitionSubstitutions placeholders, written literally.
  .option('--touch-arn <arn>', 'ARN of the touch function', ['$', '{TouchFunctionArn}'].join(''))
  .option('--complete-arn <arn>', 'ARN of the complete function', ['$', '{CompleteFunctionArn}'].join(''))
  .addHelpText(
    'after',
    `
Each touch is a Wait until $.schedule[i].at (computed at enrollment, exactly as the preview shows) and a Task;
a lead who replies, unsubscribes, bounces or buys leaves through "Exited". The default ARNs are
CloudFormation DefinitionSubstitutions placeholders.

Example:
  $ followup cadence compile cadences/proposal.json > proposal.asl.json`,
  )
  .action((file: string, options) => run(async () => (await compile()).compileCommand(file, options)));

// `cadence diff` and `cadence test` (issue #16), beside the other cadence commands.
registerCadenceEdits(cadence, { run, templatesOption, cadencesOption });

const simulate = () => import('./commands/simulate.ts');

const simulateCommand = program
  .command('simulate')
  .description(
    'run synthetic leads through a cadence on a virtual clock: what it sends, how leads answer, the AWS bill',
  )
  .requiredOption('--cadence <id>', 'the cadence to run, e.g. web-inquiry (a file name in cadences/)')
  .requiredOption('--leads <n>', 'how many synthetic leads')
  .option('--seed <s>', 'seed of every random choice: the same seed gives the same result', '1')
  .option('--reply-rate <p>', 'probability that a lead replies to a touch it was sent', '0.05')
  .option('--win-rate <w>', 'probability that a reply becomes a won deal', '0.3')
  .option('--deal-value <usd>', 'value of each won deal, USD', '1000')
  .option(
    '--reply-mix <kinds>',
    'what replying leads write, as shares adding up to 1, e.g. interested=0.5,not-now=0.25,no=0.15,referral=0.05,unsubscribe=0.05 (default: every reply interested)',
  )
  .option('--variant-effect <pairs>', "reply-rate points added to a variant's touches, e.g. b=+0.02")
  .option(
    '--lift <points>',
    'treated leads of a cadence with a holdout convert this many points more than held-out ones, e.g. 0.03',
  )
  .option(
    '--start <iso>',
    'first enrollment instant; leads arrive over the next 7 days (default: next Monday 09:00 UTC)',
  )
  .option(
    '--store <store>',
    'memory: the handlers over in-memory stand-ins, fast; dynalite: the whole local runtime, full fidelity',
    'memory',
  )
  .option(
    '--json',
    'print {leads, touches, byChannel, transitions, lambdaInvocations, dynamodb: {reads, writes}, costUsd, report, ...}',
  )
  .addHelpText(
    'after',
    `
The leads run through the real compiled state machine and the same handler code as on AWS, on this machine, in
memory, with a virtual clock: a four-month cadence takes seconds. Leads get names, companies and time zones in the
US and Europe; about 60% give a phone number and SMS consent. They sign up through the same intake code as a form
post (the cart cadence's leads arrive as the shop's cart.abandoned events). After each touch a lead replies with
--reply-rate, a few hours later, through the same handler as a real reply: the lead's execution stops and the reply
is forwarded to the owner. A reply becomes a won deal with --win-rate, recorded as the rep's outcome. The cadence's
"then" (e.g. quarterly nurture) runs once after it.

--reply-mix says what the replying leads write: kind=share pairs, shares adding up to 1. Kinds: interested,
question, meeting, not-now, no, referral, wrong-person, unsubscribe, out-of-office. Each reply is a generated text of
its kind ("not right now - try me again in March", "Priya handles this, reach her at priya.shah@...") read by the
real reply reader, so it does what it would in production: interested and questions become replies, a time accepted
a meeting, not-now snoozes the lead and starts re-engage on the date asked, no and wrong-person lose it, a referral
hands it over, an unsubscribe in words suppresses it, an out-of-office lets the cadence go on. Only a lead left
replied or in a meeting can be won. The summary shows what the reader read each kind as, and what the replies did.
A lead writes at most 3 replies in a run. Without the flag every reply reads as interested, as before.

On a cadence whose steps have "variants" and that has a "holdout", --variant-effect b=+0.04 makes leads answer
variant b's touches 4 points more often, and --lift 0.05 makes treated leads convert 5 points more than held-out
ones: the summary shows each variant's rate with its 95% interval, the winner when the test names one, the lift
with its interval, and how many leads a test needs to detect an effect of that size (alpha 0.05, power 0.8).

Counts are what AWS would bill: state transitions, Lambda invocations (intake, touch, complete, signals), DynamoDB
requests (taken as request units), emails and texts. Cost uses us-east-1 list prices and assumes each Lambda invocation uses
512 MB for 100 ms on arm64; SMS at the US rate, carrier fees excluded.

Examples:
  $ followup simulate --cadence web-inquiry --leads 1000
  $ followup simulate --cadence proposal --leads 500 --reply-rate 0.08 --win-rate 0.25 --deal-value 4200
  $ followup simulate --cadence abandoned-cart --leads 200 --seed 7 --json > cart.json
  $ followup simulate --cadence web-inquiry --leads 100 --reply-rate 0     every touch goes out: the full bill
  $ followup simulate --cadence web-inquiry --leads 100 --store dynalite   the same run on the whole local runtime
  $ followup simulate --cadence web-inquiry --leads 500 --reply-rate 0.1 \\
      --reply-mix interested=0.5,not-now=0.25,no=0.15,referral=0.05,unsubscribe=0.05`,
  )
  .action((options) => run(async () => (await simulate()).simulateCommand(options)));
(await import('./commands/simulate-quota-flags.ts')).withQuotaOptions(simulateCommand);
const report = () => import('./commands/report.ts');

program
  .command('report')
  .description(
    'how the follow-up performs: response rate by touch number, conversion from follow-up, touches to close, revenue recovered',
  )
  .option('--cadence <id>', 'only this cadence (default: every cadence, and each on its own)')
  .option('--since <yyyy-mm>', 'leads first contacted in this month (UTC) or later, e.g. 2026-01')
  .option('--until <yyyy-mm>', 'leads first contacted up to and including this month (UTC), e.g. 2026-06')
  .option('--json', REPORT_JSON_HELP)
  .option('--csv', 'print one row per cadence × touch number, and a "total" row per cadence')
  .option('--aws', 'read the deployed stack (also FOLLOWUP_TARGET=aws); default: the local runtime')
  .option('--stack <name>', 'with --aws: the stack whose TableName output names the table', 'Followup')
  .option('--table <name>', 'with --aws: the DynamoDB table, instead of asking the stack')
  .option('--region <region>', 'with --aws: the AWS region (default: your AWS configuration)')
  .option('--data <dir>', "the local runtime's data folder", '.followup')
  .addHelpText(
    'after',
    `
The engine keeps these counts as it works (per cadence, month and touch number), so a report reads a few items
whatever the number of leads; it never scans the table.
  touch n              a lead's n-th touch, whichever cadence made it
  response rate        leads who answered (reply, meeting or purchase) after touch n, over touches n sent
  positive rate        of those, replies the reply reader read as interested, a question or a meeting, over
                       touches n sent (a not-now, a no or an unsubscribe is a response, not a positive one)
  meetings per 100     meetings booked per 100 leads enrolled, where enrolled means the lead got its first touch
  conversion           leads that needed 2+ touches and then won, over leads that got 2+ touches
  touches to close     the mean touch count of won leads
  revenue recovered    the value of deals won after the 2nd or later touch
${SPEED_TO_LEAD_HELP}
--since/--until pick leads by the month of their first touch (a cohort): a month shows what the leads first
contacted that month went on to do, whenever it happened. Deals are also listed by the month they were won.

Examples:
  $ followup report
  $ followup report --cadence web-inquiry --since 2026-01 --until 2026-03
  $ followup report --aws --json > report.json
  $ followup report --csv > report.csv`,
  )
  .action((options) => run(async () => (await report()).reportCommand(options)));

const doctor = () => import('./commands/doctor.ts');

program
  .command('doctor')
  .description('before `cdk deploy`: what in your AWS account is ready for Followup and what to fix, and how')
  .option('--aws', 'check the AWS account and region you deploy to (also FOLLOWUP_TARGET=aws)')
  .option('--stack <name>', 'the deployed (or to be deployed) stack', 'Followup')
  .option('--region <region>', 'the AWS region (default: your AWS configuration)')
  .option('--config <file>', 'the deployment configuration', 'followup.config.json')
  .option('--cadences <dir>', 'folder of the cadences the configuration names', 'cadences')
  .option('--json', 'print {ok, region, stack, config, checks: [{id, title, status, summary, fix, notes}]}')
  // A usage error is exit 2 here: 1 means "something to fix".
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .addHelpText(
    'after',
    `
Read-only: it makes Get/Describe calls and DNS lookups, changes nothing. Each check prints ready, to fix (with the
command, console page or DNS record that fixes it) or unknown (a read failed, e.g. a missing permission).
  SES sender identity        sender.identity is verified for sending and its DKIM status is SUCCESS
  SES From address           only when sender.email is an SES identity of its own: SES then checks that one
  SES production access      out of the sandbox, where only verified recipients receive mail (200 a day)
  SES receipt rule set       the stack's rule set (ReceiptRuleSetName output) is the region's active one; a
                             region has one, so activating it switches off any other
  Reply domain MX            replyDomain's MX points at inbound-smtp.<region>.amazonaws.com, and the region
                             receives email at all (not every SES region does)
  SMS (sms.originationNumber set)
    origination number       the number is this account's, ACTIVE, and its registration status
    two-way                  inbound texts go to the stack's SmsInboundTopicArn, so STOP/HELP reach Followup
    opt-out mode             SelfManagedOptOutsEnabled matches sms.optOuts ("aws": false, "self": true)
    sandbox                  the account's SMS tier is production
  SES sending quota          the send rate covers the signup API's rate limit (api.rateLimit)
  Step Functions open executions   the quota each lead in a cadence counts against (default 1,000,000)
The receipt rule set and two-way checks need the stack deployed; the others pass before the first deploy.

Your own IAM needs only reads: ses:GetAccount, ses:GetEmailIdentity, ses:DescribeActiveReceiptRuleSet,
cloudformation:DescribeStacks, sms-voice:DescribePhoneNumbers, sms-voice:DescribeRegistrations,
sms-voice:DescribeAccountAttributes, servicequotas:GetServiceQuota, servicequotas:GetAWSDefaultServiceQuota
(a read it may not make is reported as "could not be read", with the action it needed).

Exit status: 0 when every check is ready, 1 when one is to fix or could not be read, 2 when the doctor cannot
run (a bad option, an invalid configuration, no credentials, no region).

Examples:
  $ followup doctor --aws
  $ followup doctor --aws --region eu-west-1 --stack Followup-prod --config prod.config.json
  $ followup doctor --aws --json > preflight.json`,
  )
  .action((options) => run(async () => (await doctor()).doctorCommand(options)));

// `touches unconfirmed` and `touches redrive` (docs/architecture.md §8.4).
registerTouches(program, run);

const leads = program.command('leads').description('work with leads in bulk');
const importLeads = () => import('./commands/import.ts');

leads
  .command('import')
  .description('enroll every row of a CSV file in a cadence: rate limited, resumable, rejected rows reported')
  .argument('<file>', 'a CSV file whose first line names the columns; "email" is required')
  .requiredOption('--cadence <id>', 'the cadence to enroll the leads in, e.g. web-inquiry')
  .option(
    '--rate <n>',
    'rows per second at most (default 20 with --url or --aws; into the local runtime, as fast as it takes); halves while the target throttles',
  )
  .option('--resume', 'continue an interrupted import of this file where it stopped')
  .option('--url <url>', 'post the rows to a running engine, e.g. http://127.0.0.1:3000 (npm start)')
  .option('--aws', 'enroll in the deployed stack (also FOLLOWUP_TARGET=aws), with your AWS credentials')
  .option('--stack <name>', 'the deployed stack, with --aws', 'Followup')
  .option('--region <region>', 'the AWS region of the stack, with --aws (default: your AWS configuration)')
  .option('--data <dir>', "the local runtime's data folder (default: .followup/, as npm start uses)")
  .option(
    '--json',
    'print {rows, imported, alreadyEnrolled, notEnrolled, rejected, rejectedRows, seconds, ...}',
  )
  .addHelpText(
    'after',
    `
Columns (any order, case and spacing ignored; others are reported once and not imported):
  email (required) · name, or first_name and last_name · company · phone · timezone (IANA, e.g. America/Chicago)
  note · interest · source · utm_source … utm_content
  sms_consent (yes/true/1) with consent_text (the wording the lead agreed to) and consent_at (when, e.g. 2026-03-01;
  with --url the endpoint records the time of the post instead)
Each row is checked as the signup form checks a post, and enrolled as a signup is: a lead already in the cadence,
or twice in the file, is enrolled once. Leads that unsubscribed, bounced or complained, and leads a rep has moved
on (replied, won, lost, in nurture...) are not enrolled; the summary says why.

By default the rows go to the local runtime's data (.followup/): the engine starts in this process as npm start
starts it, and the leads' executions continue at the next npm start. While npm start runs, use --url instead.

Progress shows on stderr. Ctrl-C stops after the rows in flight and keeps what is done in FILE.followup-import.json
next to the file: run the same command with --resume to continue. Rejected rows are listed with their line numbers
and written to FILE.rejected.csv (line, reason, then the row as it was) to fix and import again.

Examples:
  $ followup leads import leads.csv --cadence web-inquiry
  $ followup leads import leads.csv --cadence web-inquiry --resume
  $ followup leads import expo.csv --cadence proposal --url http://127.0.0.1:3000 --rate 50
  $ followup leads import expo.csv --cadence proposal --aws --json > import.json`,
  )
  .action((file: string, options) => run(async () => (await importLeads()).importCommand(file, options)));

registerSending(program, run);
await program.parseAsync(process.argv);
