import { relative } from 'node:path';
import { listCadenceFiles, readCadenceFile } from '../../functions/adapters/cadence-files.ts';
import { loadTemplate } from '../../functions/adapters/template-files.ts';
import type { CadenceIssue } from '../../functions/core/cadence.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { lintCadence, lintTemplate } from '../../functions/core/lint.ts';
import { checkTemplate } from '../../functions/core/templates.ts';
import { printJson } from '../output.ts';

export interface CheckOptions {
  readonly templates: string;
  readonly cadences: string;
  readonly json?: boolean;
}

interface FileReport {
  readonly file: string;
  readonly id?: string;
  readonly ok: boolean;
  readonly issues: CadenceIssue[];
}

async function filesToCheck(files: readonly string[], options: CheckOptions): Promise<string[]> {
  return files.length > 0 ? [...files] : listCadenceFiles(options.cadences);
}

/** Each template a cadence uses, loaded once, with the first step that names it for the issue path. */
async function templatesOf(cadence: Cadence, dir: string) {
  const seen = new Map<string, { path: string; channel: Cadence['steps'][number]['channel'] }>();
  cadence.steps.forEach((step, i) => {
    // A variant step's templates are each checked, at the path of the variant that names it.
    const uses = step.variants
      ? step.variants.map((v, k) => ({ name: v.template, path: `steps[${i}].variants[${k}].template` }))
      : [{ name: step.template, path: `steps[${i}].template` }];
    for (const use of uses)
      if (!seen.has(use.name)) seen.set(use.name, { path: use.path, channel: step.channel });
  });
  return Promise.all(
    [...seen].map(async ([name, use]) => {
      try {
        return { ...use, name, source: await loadTemplate(dir, name) };
      } catch (error) {
        return { ...use, name, error: (error as Error).message };
      }
    }),
  );
}

/** `followup cadence validate`: schema, cross-field rules, `then`, and every template rendered with a sample lead. */
export async function validateCommand(files: readonly string[], options: CheckOptions): Promise<number> {
  const reports: FileReport[] = [];
  for (const file of await filesToCheck(files, options)) {
    const { result } = await readCadenceFile(file);
    const issues: CadenceIssue[] = result.ok ? [] : [...result.issues];
    if (result.ok) {
      for (const use of await templatesOf(result.cadence, options.templates)) {
        if ('error' in use) issues.push({ path: use.path, message: use.error ?? '' });
        else
          for (const problem of checkTemplate(use.source, use.channel))
            issues.push({ path: use.path, message: `${use.name}: ${problem.message}` });
      }
    }
    reports.push({ file, ...(result.ok ? { id: result.cadence.id } : {}), ok: issues.length === 0, issues });
  }
  const ok = reports.every((r) => r.ok);
  if (options.json) {
    printJson({ ok, files: reports });
    return ok ? 0 : 1;
  }
  for (const report of reports) {
    const name = relative(process.cwd(), report.file) || report.file;
    if (report.ok) process.stdout.write(`✓ ${name}\n`);
    for (const issue of report.issues) process.stderr.write(`✗ ${name}: ${issue.path}: ${issue.message}\n`);
  }
  const problems = reports.reduce((n, r) => n + r.issues.length, 0);
  const bad = reports.filter((r) => !r.ok).length;
  if (ok) process.stdout.write(`${reports.length} cadence file${reports.length === 1 ? '' : 's'} valid\n`);
  else
    process.stderr.write(
      `${problems} problem${problems === 1 ? '' : 's'} in ${bad} of ${reports.length} files\n`,
    );
  return ok ? 0 : 1;
}

/** `followup cadence lint`: the sales advice of the seeds, per template a cadence uses. */
export async function lintCommand(files: readonly string[], options: CheckOptions): Promise<number> {
  const findings: { file: string; step: string; template: string; rule: string; message: string }[] = [];
  for (const file of await filesToCheck(files, options)) {
    const { result } = await readCadenceFile(file);
    if (!result.ok) {
      for (const issue of result.issues)
        findings.push({ file, step: issue.path, template: '', rule: 'invalid', message: issue.message });
      continue;
    }
    for (const { path, template, rule, message } of lintCadence(result.cadence))
      findings.push({ file, step: path, template, rule, message });
    for (const use of await templatesOf(result.cadence, options.templates)) {
      if ('error' in use) {
        findings.push({
          file,
          step: use.path,
          template: use.name,
          rule: 'missing',
          message: use.error ?? '',
        });
        continue;
      }
      for (const finding of lintTemplate(use.source, use.channel))
        findings.push({
          file,
          step: use.path,
          template: use.name,
          rule: finding.rule,
          message: finding.message,
        });
    }
  }
  if (options.json) {
    printJson({ ok: findings.length === 0, findings });
    return findings.length === 0 ? 0 : 1;
  }
  for (const f of findings) {
    const name = relative(process.cwd(), f.file) || f.file;
    process.stderr.write(
      `${name}: ${f.step}${f.template ? ` (${f.template})` : ''}: ${f.rule}: ${f.message}\n`,
    );
  }
  if (findings.length === 0) process.stdout.write('No advice: every touch reads well.\n');
  else process.stderr.write(`${findings.length} suggestion${findings.length === 1 ? '' : 's'}\n`);
  return findings.length === 0 ? 0 : 1;
}
