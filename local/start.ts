import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fail } from '../bin/output.ts';
import { ROOT, startRuntime } from './runtime.ts';

// This process is the engine's host, as Lambda's is: Node 20 is what the local runtime supports (§7 polyfills).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `npm start [-- --speed N] [-- --fresh] [-- --iam]

Runs the whole Followup engine on this machine, no AWS account needed.
  --speed N   time passes N times faster (86400: a day a second), so a cadence plays out while you watch
  --fresh     start empty (forget leads, emails and executions under .followup/)
  --verbose   print the engine's JSON logs (lead ids, never addresses)
  --iam       evaluate every AWS call against the IAM policies \`cdk deploy\` would give its function: a call the
              deployed role could not make fails here as it would on AWS; Ctrl-C prints what was denied and the
              permissions granted that nothing used
  PORT        the dashboard's port (default 3000)
`;

const { values } = parseArgs({
  options: {
    speed: { type: 'string' },
    fresh: { type: 'boolean' },
    verbose: { type: 'boolean' },
    iam: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: false,
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const speed = values.speed === undefined ? 1 : Number(values.speed);
if (!(speed > 0)) {
  process.stderr.write(
    `followup: --speed must be a positive number, e.g. --speed 86400 (got "${values.speed}")\n`,
  );
  process.exit(1);
}

try {
  const runtime = await startRuntime({
    port: Number(process.env.PORT ?? 3000),
    speed,
    dataDir: join(ROOT, '.followup'),
    fresh: values.fresh ?? false,
    ...(values.verbose ? { logLevel: 'INFO' } : {}),
    ...(values.iam ? { iam: 'enforce' as const } : {}),
  });
  process.stdout.write(
    [
      'Followup is running locally (no AWS account needed).',
      '',
      `  Dashboard     ${runtime.url}/`,
      `  Signup form   ${runtime.url}/form`,
      `  Mailbox       ${runtime.mailboxUrl}/   (every email sent; JSON at ${runtime.url}/api/mailbox)`,
      `  Post a lead   curl -X POST ${runtime.url}/leads -H 'content-type: application/json' -H 'accept: application/json' \\`,
      `                  -d '{"email":"sam@example.com","name":"Sam Lee","company":"Northwind"}'`,
      '',
      `  Time runs ${speed === 1 ? 'at real speed' : `${speed}× faster`}; data lives in .followup/ (--fresh starts empty).`,
      runtime.resumed
        ? `  Resumed ${runtime.resumed} lead${runtime.resumed === 1 ? '' : 's'} in flight.`
        : '',
      runtime.iam ? '  IAM: every AWS call is checked against the deployed policies (--iam).' : '',
      '  Ctrl-C stops; the next start resumes every lead where it was.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping… (leads in flight resume on the next start)\n');
    await runtime.stop();
    if (runtime.iam) process.stdout.write(`${runtime.iam.summary()}\n`);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  // The same as the CLI: a person's mistake (bad config, cadence, busy port) in one line, a bug with its stack.
  fail(error);
}
