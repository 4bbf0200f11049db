import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import type { FollowupConfig } from '../../functions/core/config.ts';
import { IamEnforcer, type IamMode } from './enforcer.ts';
import type { AccountFacts } from './requests.ts';
import type { Synthesized } from './synthesize.ts';
import { type CfnTemplate, type StackPolicies, stackPolicies } from './template.ts';

/*
 * The stack `cdk deploy` would create, synthesized in-process without bundling (the policies do not depend on the
 * bundles), with its resources named as the local runtime names them.
 */

/** The stack's name locally: its state machines are `Followup-<cadence>`, as the local runtime names them. */
export const STACK_NAME = 'Followup';

export interface LocalNames {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /**
   * The local name of each resource a function is given by an environment variable (TABLE_NAME → "followup",
   * UNSUBSCRIBE_SECRET_ARN → the ARN the local runtime serves it under).
   */
  readonly resources: Readonly<Record<string, string>>;
  /** SES identities verified for sending. */
  readonly verifiedIdentities: readonly string[];
}

export interface DeployedStack {
  readonly template: CfnTemplate;
  readonly policies: StackPolicies;
}

/** Every file the synthesized policies can depend on: the constructs, the code they import, the settings. */
function inputsHash(
  root: string,
  config: FollowupConfig,
  cadences: readonly Cadence[],
  names: LocalNames,
): string {
  const hash = createHash('sha256').update(JSON.stringify({ config, cadences, names }));
  for (const dir of ['lib', 'functions']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) {
        const file = join(entry.parentPath, entry.name);
        hash.update(file).update(readFileSync(file));
      }
    }
  }
  hash.update(readFileSync(join(root, 'node_modules/aws-cdk-lib/package.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The deployed stack's policies for these settings. Synthesis takes seconds, so its result is kept under
 * node_modules/.cache, keyed by a hash of every input: a change to lib/, functions/, the config or a cadence
 * synthesizes again.
 */
export async function deployedStack(
  root: string,
  config: FollowupConfig,
  cadences: readonly Cadence[],
  names: LocalNames,
): Promise<DeployedStack> {
  const dir = join(root, 'node_modules/.cache/followup-iam');
  const file = join(dir, `${inputsHash(root, config, cadences, names)}.json`);
  let synthesized: Synthesized;
  if (existsSync(file)) {
    synthesized = JSON.parse(readFileSync(file, 'utf8')) as Synthesized;
  } else {
    const { synthesize } = await import('./synthesize.ts');
    synthesized = synthesize(config, cadences, names);
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(synthesized));
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  const policies = stackPolicies(
    synthesized.template,
    {
      partition: names.partition,
      region: names.region,
      account: names.account,
      stackName: STACK_NAME,
      physicalIds: synthesized.physicalIds,
    },
    new Map(Object.entries(synthesized.functionIds)),
  );
  return { template: synthesized.template, policies };
}

export function createIamEnforcer(deployed: DeployedStack, names: LocalNames, mode: IamMode): IamEnforcer {
  const facts: AccountFacts = {
    partition: names.partition,
    region: names.region,
    account: names.account,
    verifiedIdentities: new Set(names.verifiedIdentities.map((i) => i.toLowerCase())),
    bucketKey: (bucketArn) => deployed.policies.bucketKeys.get(bucketArn),
    // The local runtime serves secrets under their ARNs only, so an id is the ARN.
    secretArn: (secretId) => secretId,
    partitionKey: partitionKeys(deployed.template),
  };
  return new IamEnforcer(deployed.policies, facts, mode);
}

/**
 * The partition-key attribute of the stack's table, from its KeySchema. The stack has one table; the local runtime
 * names it as the stack would, so every table name it is asked about is that one.
 */
function partitionKeys(template: DeployedStack['template']): (tableName: string) => string | undefined {
  const tables = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::DynamoDB::Table');
  const schema =
    tables.length === 1 ? (tables[0]?.Properties?.KeySchema as KeyElement[] | undefined) : undefined;
  const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  return () => hash;
}

interface KeyElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}
