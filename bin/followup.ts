import { Command, Option } from 'commander';
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
  $ followup cadence lint                      sales advice on every touch's wording`,
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
  .addHelpText(
    'after',
    `
The preview is computed by the same function production uses at enrollment, so it is exactly what will happen:
send windows, weekends, holidays and the minimum gap are all applied, and the note column says why a touch moved.

Examples:
  $ followup cadence preview cadences/proposal.json --start 2026-12-18T17:45:00-06:00 --tz America/Chicago
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
template's front matter). Exit status 1 when there is advice to act on.

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

await program.parseAsync(process.argv);
