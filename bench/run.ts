import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { simulate } from '../local/simulate/index.ts';
import { type CadenceFigures, measureCadence } from './cadences.ts';
import { type FunctionFigures, measureFunctions } from './functions.ts';
import { type IntakeFigures, measureIntake } from './intake.ts';
import { agreesWithRecount } from './recount.ts';

/*
 * `npm run bench`: the performance figures of docs/architecture.md §9 from one run, printed as ratios (this machine
 * is shared and noisy; ratios from the same run hold up, absolute times do not), checked against the budgets, and
 * written to bench/results.json and bench/results.md.
 */

const ROOT = new URL('..', import.meta.url).pathname;
const step = (what: string) => process.stderr.write(`bench: ${what}…\n`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

step('bundling each Lambda function and loading it in 21 fresh processes, bundled and unbundled');
const functions: FunctionFigures[] = await measureFunctions(ROOT, 21);

step('running every shipped cadence as the compiled chain and as a generic loop');
const cadences: CadenceFigures[] = [];
for (const cadence of loadCadencesSync(join(ROOT, 'cadences'))) cadences.push(await measureCadence(cadence));

step('simulating 200 web-inquiry leads (seed 7, 8% reply rate) on the local runtime');
const simStarted = performance.now();
const simulated = await simulate({
  cadenceId: 'web-inquiry',
  leads: 200,
  seed: 7,
  replyRate: 0.08,
  winRate: 0.5,
  keepHistories: true,
});
const simulateLeadsPerSecond = Math.round((200 / ((performance.now() - simStarted) / 1000)) * 10) / 10;
const costPer1000LeadsAllIn = simulated.costPer1000Leads;

step('posting 400 leads to the local runtime, 8 at a time');
const intake: IntakeFigures = await measureIntake(400, 8);

const budgets = cadences.flatMap((c) => [
  {
    budget: `${c.id}: ≤ 2 transitions per touch and ≤ 2 more per enrollment`,
    pass: c.transitionsPerLead <= 2 * c.steps + 2,
    figure: `${c.transitionsPerLead} for ${c.steps} touches`,
  },
  {
    budget: `${c.id}: ≤ 1 Lambda invocation per touch (+1 to complete)`,
    pass: c.lambdaInvocationsPerLead <= c.steps + 1,
    figure: `${c.lambdaInvocationsPerLead}`,
  },
]);
budgets.push(
  ...functions.map((f) => ({
    budget: `${f.name}: the bundle loads faster than the unbundled build`,
    pass: f.loadMsBundled < f.loadMsUnbundled,
    figure: `${f.loadMsBundled} ms vs ${f.loadMsUnbundled} ms`,
  })),
);

budgets.push({
  budget:
    'the report from the aggregates agrees with a recount of every stored touch (reads per report: see test/unit/functions/adapters/dynamo-aggregates.test.ts)',
  pass: agreesWithRecount(simulated.report, simulated.histories ?? []),
  figure: `${simulated.touches} touches, ${simulated.report.replies} replies`,
});

const results = {
  at: new Date().toISOString(),
  node: process.version,
  functions,
  cadences,
  simulateLeadsPerSecond,
  simulate: {
    leads: 200,
    cadence: 'web-inquiry',
    costPer1000LeadsAllIn,
    costBreakdown: simulated.costBreakdown,
  },
  intake,
  budgets,
};
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);

const lines = [
  '## Lambda functions (esbuild bundle vs the same handler loading node_modules)',
  '',
  '| function | bundle | load bundled | load unbundled | unbundled / bundled |',
  '|---|---:|---:|---:|---:|',
  ...functions.map(
    (f) =>
      `| ${f.name} | ${(f.bundleBytes / 1024).toFixed(0)} KiB | ${f.loadMsBundled} ms | ${f.loadMsUnbundled} ms | ${ratio(f.loadMsUnbundled, f.loadMsBundled)} |`,
  ),
  '',
  '## Cadences: compiled chain vs generic loop (every touch happens)',
  '',
  '| cadence | touches | transitions/lead | generic loop | loop / chain | $ per 1,000 leads (SFN + Lambda) | generic loop |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...cadences.map(
    (c) =>
      `| ${c.id} | ${c.steps} | ${c.transitionsPerLead} | ${c.transitionsPerLeadGenericLoop} | ${ratio(c.transitionsPerLeadGenericLoop, c.transitionsPerLead)} | $${c.costPer1000Leads.toFixed(3)} | $${c.costPer1000LeadsGenericLoop.toFixed(3)} |`,
  ),
  '',
  `## Simulate: ${simulateLeadsPerSecond} leads/s; web-inquiry all in (Step Functions, Lambda, DynamoDB, SES, SMS) $${costPer1000LeadsAllIn.toFixed(2)} per 1,000 leads`,
  '',
  `## Intake on the local runtime: ${intake.rps} requests/s, p50 ${intake.p50Ms} ms, p99 ${intake.p99Ms} ms (p99 / p50 ${ratio(intake.p99Ms, intake.p50Ms)}), ${intake.concurrency} concurrent`,
  '',
  '## Budgets (docs/architecture.md §9)',
  '',
  ...budgets.map((b) => `- ${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}`),
  '',
];
const markdown = lines.join('\n');
writeFileSync(join(ROOT, 'bench/results.md'), markdown);
process.stdout.write(markdown);
if (budgets.some((b) => !b.pass)) process.exitCode = 1;
