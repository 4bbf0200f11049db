import type { Command } from 'commander';

/*
 * The flags of `followup simulate --aws-quotas` (local/quota-sim) and the help that says what its figures mean. Kept
 * apart from simulate-options.ts so the CLI registers them without loading the simulation.
 */

const HELP = `
--aws-quotas runs no handler: it is a discrete-event model, deterministic from --seed, of --leads signing up over one
day (the --start date; busiest in office hours, in seven US and European zones). Each touch is due at the instant the
real schedule gives (what \`cadence preview\` shows), once without a spread and once with one, and each of those
without and with the sending governor. A touch's Lambda needs a concurrency slot; its email needs SES capacity (with
the governor, a token of the shared bucket first; a call's or task's email to the owner goes to SES directly); a
throttle is retried by the touch Task's Retry, read from the compiled definition, and a touch past its attempts fails
the execution. A throttled state transition waits; a refused StartExecution is retried by the sweeper. Per run:
  failed executions    leads whose execution failed on a throttle retried past its attempts (budget 0)
  duplicate sends      touches that went out more than once (budget 0)
  throttles absorbed   throttles (SES, governor, Lambda, StartExecution) met by touches that then went out, of all
  p95 / max lateness   how long after its scheduled instant a touch went out; a spread's offset is part of the
                       schedule, not lateness: what the preview shows is what happens
Quotas differ per region and account: the output lists the values it assumed, and each flag overrides one.

  $ followup simulate --cadence web-inquiry --leads 100000 --aws-quotas
  $ followup simulate --cadence web-inquiry --leads 100000 --aws-quotas --ses-rate 1 --json > sandbox.json`;

/** Adds `--aws-quotas` and its quota flags to the simulate command. */
export function withQuotaOptions(command: Command): Command {
  return command
    .option(
      '--aws-quotas',
      'instead: a day of signups through the SES rate, Lambda concurrency, Step Functions buckets and the compiled Retry',
    )
    .option(
      '--spread <duration>',
      'with --aws-quotas: the spread compared with none (default: the cadence’s, else 90 minutes)',
    )
    .option(
      '--ses-rate <n>',
      'with --aws-quotas: SES maximum send rate, emails/s (default 14; the sandbox: 1)',
    )
    .option('--lambda-concurrency <n>', 'with --aws-quotas: Lambda concurrent executions (default 1000)')
    .option('--start-burst <n>', 'with --aws-quotas: StartExecution bucket size (default 1300)')
    .option('--start-rate <n>', 'with --aws-quotas: StartExecution refill per second (default 300)')
    .option('--transition-burst <n>', 'with --aws-quotas: state transitions bucket size (default 5000)')
    .option('--transition-rate <n>', 'with --aws-quotas: state transitions refill per second (default 1500)')
    .addHelpText('after', HELP);
}
