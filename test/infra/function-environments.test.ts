import { beforeAll, describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import {
  FUNCTION_NAMES,
  type FunctionName,
  readEnvironment,
  variablesOf,
} from '../../functions/runtime/env.ts';
import type { Json } from '../../local/iam/evaluate.ts';
import { synthesize } from '../../local/iam/synthesize.ts';
import { TemplateResolver } from '../../local/iam/template.ts';

/*
 * What each deployed function is given against what it reads (docs/architecture.md §1.1): the synthesized stack's
 * variables, their intrinsics resolved to plausible names, parsed by that function's own reader, as at cold start.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const cadences = loadCadencesSync(`${ROOT}cadences`);
const config = loadConfig(`${ROOT}followup.config.json`, new Set(cadences.map((c) => c.id)));
const ACCOUNT = { partition: 'aws', region: 'us-east-1', account: '123456789012', stackName: 'Followup' };

const isFunctionName = (name: string): name is FunctionName =>
  (FUNCTION_NAMES as readonly string[]).includes(name);

/** Each deployed function's construct id and its environment, resolved. */
let deployed: Map<string, Record<string, string>>;
beforeAll(() => {
  const names = { ...ACCOUNT, resources: {}, verifiedIdentities: [config.sender.identity] };
  const { template, functionIds } = synthesize(config, cadences, names);
  const resolver = new TemplateResolver(template, { ...ACCOUNT, physicalIds: {} });
  deployed = new Map();
  for (const [logicalId, name] of Object.entries(functionIds)) {
    const environment = template.Resources[logicalId]?.Properties?.Environment as
      | { Variables?: Record<string, Json> }
      | undefined;
    deployed.set(
      name,
      Object.fromEntries(
        Object.entries(environment?.Variables ?? {}).map(([k, v]) => [k, String(resolver.resolve(v))]),
      ),
    );
  }
  // Synthesizing the whole stack takes seconds on a busy machine.
}, 60_000);

describe('the functions’ environments', () => {
  it('every function the stack deploys has a reader, and every reader a function', () => {
    expect([...deployed.keys()].filter((name) => !isFunctionName(name))).toEqual([]);
    expect(FUNCTION_NAMES.filter((name) => !deployed.has(name))).toEqual([]);
  });

  it('each function’s variables parse with its own reader, as at cold start', () => {
    // Act
    const failures: string[] = [];
    for (const [name, environment] of deployed) {
      if (!isFunctionName(name)) continue;
      try {
        readEnvironment(name, environment);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });

  it('sets no variable its function does not read', () => {
    // Act: what each sets beyond its reader's variables and Node's own
    const unknown = [...deployed].flatMap(([name, environment]) => {
      const reads = new Set<string>(['NODE_OPTIONS', ...(isFunctionName(name) ? variablesOf(name) : [])]);
      return Object.keys(environment)
        .filter((variable) => !reads.has(variable))
        .map((variable) => `${name}.${variable}`);
    });

    // Assess
    expect(unknown).toEqual([]);
  });

  it('gives the touch what its emails need: the reply domain, the unsubscribe links, the business', () => {
    const touch = readEnvironment('Touch', deployed.get('Touch') ?? {});
    expect(touch).toMatchObject({
      replyDomain: config.replyDomain,
      businessName: config.business.name,
      postalAddress: config.business.postalAddress,
      ownerEmail: config.owner.email,
      cadencesDir: '/var/task/cadences',
      templatesDir: '/var/task/templates',
      serviceName: 'followup',
      metrics: true,
    });
    expect(touch.unsubscribeBaseUrl).toMatch(/^https:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com\/u\/$/);
    expect(touch.configurationSet).toBeDefined();
  });
});
