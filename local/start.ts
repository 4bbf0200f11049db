// The local runtime (issue #4) is not built yet. Until it lands, `npm start` says what works today.
const lines = [
  'Followup — local runtime',
  '',
  'The embedded engine (dynalite, SES mailbox, Step Functions on this machine, dashboard on',
  'http://127.0.0.1:3000) is not built yet. What works today:',
  '',
  '  npx followup cadence validate          check every cadence and the templates it uses',
  '  npx followup cadence preview cadences/proposal.json --start 2026-12-18T17:45:00-06:00 --tz America/Chicago',
  '  npx followup cadence lint              sales advice on every touch',
  '  npx followup cadence compile cadences/proposal.json   the Step Functions definition',
  '  npx cdk synth                          the AWS stack, offline',
];
console.log(lines.join('\n'));
