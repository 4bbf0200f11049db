import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import type { Budget } from './budget.ts';
import { type CadenceFigures, measureCadence } from './cadences.ts';
import { measureDashboard } from './dashboard.ts';
import { measureFunctionBundles } from './functions.ts';
import { measureImport } from './import.ts';
import { measureIntakeBudget } from './intake.ts';
import { intentMarkdown, measureIntent } from './intent.ts';
import { measureQuotas } from './quotas.ts';
import { agreesWithRecount } from './recount.ts';
import { measureRestart } from './restart.ts';
import { measureSimulate } from './simulate.ts';

/*
 * `npm run bench`: the performance figures of docs/architecture.md §9 from one run, printed as ratios (this machine
 * is shared and noisy; ratios from the same run hold up, absolute times do not), checked against the budgets, and
 * written to bench/results.json and bench/results.md. Each part lives in its own module and returns its figures
 * and its PASS/FAIL lines.
 */

const ROOT = new URL('..', import.meta.url).pathname;
// The SDK's notice that Node 20 support ends, once per client, would bury the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const step = (what: string) => process.stderr.write(`bench: ${what}…\n`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

step(
  'bundling each Lambda function as the stack does and loading it in 21 fresh processes, bundled and unbundled',
);
const functions = await measureFunctionBundles(ROOT, 21);

step('running every shipped cadence as the compiled chain and as a generic loop');
const cadences: CadenceFigures[] = [];
for (const cadence of loadCadencesSync(join(ROOT, 'cadences'))) cadences.push(await measureCadence(cadence));

step('simulating 200 web-inquiry leads on the in-memory engine and on dynalite, then 2,000 from the CLI');
const simulated = await measureSimulate();

step('posting 400 leads to the local runtime, 8 at a time');
const intake = await measureIntakeBudget(400, 8);

step('the dashboard’s first page with 100, 1,000 and 10,000 leads');
const dashboard = await measureDashboard();

step('restarting the local runtime with 2,000 leads in flight');
const restart = await measureRestart();

step('importing 10,000 CSV rows into the local runtime');
const imported = await measureImport();

step(
  'simulating 100,000 web-inquiry signups through SES, Lambda and Step Functions quotas, without and with the governor and a spread',
);
const quotas = measureQuotas();

step('reading the evaluation set of replies (test/fixtures/replies)');
const intent = measureIntent();

const cadenceBudgets: Budget[] = cadences.flatMap((c) => [
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
const sim = simulated.figures;
const budgets: Budget[] = [
  ...cadenceBudgets,
  ...functions.budgets,
  ...simulated.budgets,
  {
    budget:
      'the report from the aggregates agrees with a recount of every stored touch (reads per report: see test/unit/functions/adapters/dynamo-aggregates.test.ts)',
    pass: agreesWithRecount(sim.result.report, sim.result.histories ?? []),
    figure: `${sim.result.touches} touches, ${sim.result.report.replies} replies`,
  },
  ...intake.budgets,
  ...dashboard.budgets,
  ...restart.budgets,
  ...imported.budgets,
  ...intent.budgets,
  ...quotas.budgets,
];

const { histories: _histories, ...simulation } = sim.result;
const results = {
  at: new Date().toISOString(),
  node: process.version,
  functions: functions.figures,
  cadences,
  simulate: { ...sim, result: simulation },
  intake: intake.figures,
  dashboard: dashboard.figures,
  restart: restart.figures,
  import: imported.figures,
  intent: intent.figures,
  quotas: quotas.figures,
  budgets,
};
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);

const i = intake.figures;
const lines = [
  '## Lambda functions (esbuild bundle as the stack builds it vs the same entry loading node_modules)',
  '',
  '| function | bundle | load bundled | load unbundled | bundled / unbundled | load in Lambda’s environment |',
  '|---|---:|---:|---:|---:|---:|',
  ...functions.figures.map(
    (f) =>
      `| ${f.name} | ${kib(f.bundleBytes)} | ${f.loadMsBundled} ms | ${f.loadMsUnbundled} ms | ${ratio(f.loadMsBundled, f.loadMsUnbundled)} | ${f.loadMsBundledTraced} ms |`,
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
  `## Simulate (web-inquiry): in-memory engine ${sim.memoryLeadsPerSecond} leads/s on ${sim.memoryLeads} leads (${sim.memoryLeadsPerSecondAt200} on ${sim.leads}), dynalite ${sim.dynaliteLeadsPerSecond} leads/s on ${sim.leads} (${sim.speedup}×); 2,000 leads from the CLI in ${sim.largeRunSeconds} s; all in (Step Functions, Lambda, DynamoDB, SES, SMS) $${sim.result.costPer1000Leads.toFixed(2)} per 1,000 leads`,
  '',
  `## Intake on the local runtime: ${i.rps} requests/s, p50 ${i.p50Ms} ms, p99 ${i.p99Ms} ms (p99 / p50 ${ratio(i.p99Ms, i.p50Ms)}), ${i.concurrency} concurrent; ${i.dynamoRequestsPerSignup} DynamoDB requests a signup. With web-inquiry's instant reply sent at once for each post: ${i.withInstantReply.rps} requests/s, p50 ${i.withInstantReply.p50Ms} ms, p99 ${i.withInstantReply.p99Ms} ms`,
  '',
  '## Dashboard, first page',
  '',
  '| leads | GET / | GET /api/leads | DynamoDB requests (page, API) |',
  '|---:|---:|---:|---:|',
  ...dashboard.figures.map(
    (d) =>
      `| ${d.leads} | ${d.dashboardMs} ms | ${d.apiLeadsMs} ms | ${d.dashboardRequests}, ${d.apiLeadsRequests} |`,
  ),
  '',
  `## Restart with ${restart.figures.leads} leads in flight: ${restart.figures.resumed} resumed; GET /api/leads/:id max ${restart.figures.maxMs} ms, p99 ${restart.figures.p99Ms} ms over ${restart.figures.reads} reads`,
  '',
  `## Import: ${imported.figures.rows} rows in ${imported.figures.seconds} s, ${imported.figures.rowsPerSecond} rows/s`,
  '',
  ...intentMarkdown(intent.figures),
  '',
  `## AWS quotas, ${quotas.figures.leads} leads: ${quotas.figures.runs.map((r) => `${r.world}/${r.spread ?? 'no spread'}: ${r.failedExecutions} failed, p95 ${r.lateness.p95Seconds} s`).join('; ')}`,
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
