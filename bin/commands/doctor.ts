import { resolve4, resolveMx } from 'node:dns/promises';
import { type AccountReader, AwsAccountReader } from '../../functions/adapters/aws-account-reader.ts';
import { errorName } from '../../functions/adapters/aws-errors.ts';
import { knownCadenceIds } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { UsageError, UserError } from '../../functions/core/errors.ts';
import {
  type Check,
  type CheckStatus,
  inboundEndpoint,
  type MxRecord,
  OPEN_EXECUTIONS_QUOTA,
  type PreflightConfig,
  type PreflightFacts,
  preflightChecks,
  type Read,
} from '../preflight/checks.ts';
import { credentialProblem, resolveRegion } from '../targets.ts';

/*
 * `followup doctor --aws`: the deploy preflight. Read-only calls gather what AWS and DNS say, pure checks judge it,
 * and the user sees, per check, ready or what to fix. Exit 0 when all is ready, 1 when something is to fix or could
 * not be read, 2 when the doctor could not run (usage, configuration, credentials, region).
 */

export interface DoctorCliOptions {
  readonly aws?: boolean;
  readonly stack?: string;
  readonly region?: string;
  readonly config?: string;
  readonly cadences?: string;
  readonly json?: boolean;
}

export interface Terminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** The DNS lookups the doctor makes; node:dns/promises by default. */
export interface Dns {
  resolveMx(host: string): Promise<readonly MxRecord[]>;
  resolve4(host: string): Promise<readonly string[]>;
}

export interface DoctorDependencies {
  readonly terminal?: Terminal;
  readonly dns?: Dns;
  /** Reads the account; by default the AWS SDK with your credentials, in the resolved region. */
  readonly reader?: (region: string) => AccountReader & { destroy?(): void };
}

export const EXIT_READY = 0;
export const EXIT_TO_FIX = 1;
export const EXIT_CANNOT_RUN = 2;

async function read<T>(call: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const cannotRun = credentialProblem(error);
    if (cannotRun) throw cannotRun;
    return { ok: false, name: errorName(error), message: (error as Error).message ?? String(error) };
  }
}

const DNS_NONE = new Set(['ENOTFOUND', 'ENODATA']);
const dnsCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? '';

async function mxOf(dns: Dns, domain: string): Promise<readonly MxRecord[] | undefined> {
  try {
    return await dns.resolveMx(domain);
  } catch (error) {
    if (DNS_NONE.has(dnsCode(error))) return undefined;
    throw Object.assign(new Error((error as Error).message), { name: dnsCode(error) || 'DnsError' });
  }
}

async function hostExists(dns: Dns, host: string): Promise<boolean> {
  try {
    return (await dns.resolve4(host)).length > 0;
  } catch (error) {
    if (DNS_NONE.has(dnsCode(error))) return false;
    throw Object.assign(new Error((error as Error).message), { name: dnsCode(error) || 'DnsError' });
  }
}

/** Every read the checks need, made at once; a failed read is kept as the error it gave. */
export async function gatherFacts(
  reader: AccountReader,
  dns: Dns,
  config: PreflightConfig,
  region: string,
  stackName: string,
): Promise<PreflightFacts> {
  // One call first: missing or expired credentials stop here with one line, before the other calls.
  const account = await read(() => reader.sendingAccount());
  const number = config.sms.originationNumber;
  const fromIsOwnIdentity = config.sender.email.toLowerCase() !== config.sender.identity.toLowerCase();
  const [stack, senderIdentity, fromAddressIdentity, activeRuleSet, replyMx, endpoint, openExecutions] =
    await Promise.all([
      read(() => reader.stackOutputs(stackName)),
      read(() => reader.emailIdentity(config.sender.identity)),
      fromIsOwnIdentity ? read(() => reader.emailIdentity(config.sender.email)) : undefined,
      read(() => reader.activeReceiptRuleSet()),
      read(() => mxOf(dns, config.replyDomain)),
      read(() => hostExists(dns, inboundEndpoint(region))),
      read(() => reader.serviceQuota(OPEN_EXECUTIONS_QUOTA.serviceCode, OPEN_EXECUTIONS_QUOTA.quotaCode)),
    ]);
  let sms: PreflightFacts['sms'];
  if (number) {
    const [phone, accountTier] = await Promise.all([
      read(() => reader.phoneNumber(number)),
      read(() => reader.smsAccountTier()),
    ]);
    const registrationId = phone.ok ? phone.value?.registrationId : undefined;
    const registration = registrationId
      ? await read(() => reader.registrationStatus(registrationId))
      : undefined;
    sms = { number: phone, accountTier, ...(registration ? { registration } : {}) };
  }
  return {
    region,
    stackName,
    stack,
    senderIdentity,
    ...(fromAddressIdentity ? { fromAddressIdentity } : {}),
    account,
    activeRuleSet,
    replyMx,
    inboundEndpoint: endpoint,
    ...(sms ? { sms } : {}),
    openExecutions,
  };
}

// ——— output ———

const MARK: Record<CheckStatus, string> = { ready: '✓ ready ', fix: '✗ to fix', unknown: '? unknown' };

export function formatChecks(checks: readonly Check[], heading: string): string {
  const lines = [heading, ''];
  for (const c of checks) {
    lines.push(`${MARK[c.status]}  ${c.title}: ${c.summary}`);
    for (const note of c.notes) lines.push(`            ${note}`);
    for (const fix of c.fix) lines.push(`            → ${fix}`);
  }
  const tally = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  const unknown = tally('unknown');
  lines.push(
    '',
    `${tally('ready')} ready, ${tally('fix')} to fix${unknown ? `, ${unknown} could not be checked` : ''}.` +
      (tally('fix') + unknown === 0 ? ' Ready to deploy.' : ''),
  );
  return `${lines.join('\n')}\n`;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly region: string;
  readonly stack: string;
  readonly config: string;
  readonly checks: readonly Check[];
}

const nodeDns: Dns = { resolveMx, resolve4 };

/** `followup doctor --aws`. */
export async function doctorCommand(
  options: DoctorCliOptions,
  dependencies: DoctorDependencies = {},
): Promise<number> {
  const terminal = dependencies.terminal ?? process;
  try {
    if (!(options.aws ?? process.env.FOLLOWUP_TARGET === 'aws')) {
      throw new UsageError(
        'the doctor checks the AWS account you deploy to: run `followup doctor --aws` (see --help)',
      );
    }
    const configFile = options.config ?? 'followup.config.json';
    const cadences = await knownCadenceIds(options.cadences ?? 'cadences');
    const config = loadConfig(configFile, cadences);
    const preflightConfig: PreflightConfig = {
      sender: config.sender,
      replyDomain: config.replyDomain,
      sms: config.sms,
      api: config.api,
    };
    const region = await resolveRegion(options.region);
    const stackName = options.stack ?? 'Followup';
    const reader = (dependencies.reader ?? AwsAccountReader.forRegion)(region);
    let facts: PreflightFacts;
    try {
      facts = await gatherFacts(reader, dependencies.dns ?? nodeDns, preflightConfig, region, stackName);
    } finally {
      reader.destroy?.();
    }
    const checks = preflightChecks(facts, preflightConfig);
    const ok = checks.every((c) => c.status === 'ready');
    if (options.json) {
      const report: DoctorReport = { ok, region, stack: stackName, config: configFile, checks };
      terminal.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      terminal.stdout.write(
        formatChecks(checks, `Followup preflight · stack ${stackName} · ${region} · ${configFile}`),
      );
    }
    return ok ? EXIT_READY : EXIT_TO_FIX;
  } catch (error) {
    if (error instanceof UserError) {
      terminal.stderr.write(`followup: ${error.message}\n`);
      return EXIT_CANNOT_RUN;
    }
    throw error;
  }
}
