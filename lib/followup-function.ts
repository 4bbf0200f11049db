import { spawnSync } from 'node:child_process';
import { AssetHashType, type BundlingOptions, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { readTemplateManifest } from '../functions/adapters/template-files.ts';
import { TEMPLATE_MANIFEST } from '../functions/core/template-source.ts';
import { CADENCE_MANIFEST } from '../functions/runtime/cadence-manifest.ts';
import { ROOT } from '../scripts/lambda-bundle.ts';

export { ROOT };
/** Where the bundle's cadences and template manifest are on Lambda (see bundleCommand below). */
export const BUNDLED_CADENCES_DIR = '/var/task/cadences';
export const BUNDLED_TEMPLATES_DIR = '/var/task/templates';

const manifests = new Map<string, string>();

/**
 * The templates' manifest as JSON: every template of `templatesDir` parsed at synth, once per synth, so a bad front
 * matter stops `cdk synth` naming the file and the field, and no bundle needs a YAML parser (docs/architecture.md §9).
 */
export function templateManifestJson(templatesDir: string): string {
  let json = manifests.get(templatesDir);
  if (json === undefined) {
    json = JSON.stringify(readTemplateManifest(templatesDir));
    manifests.set(templatesDir, json);
  }
  return json;
}

const cadenceManifests = new Map<string, string>();

/**
 * The cadences' manifest as JSON: every cadence of `cadencesDir` validated as `followup cadence validate` does, once
 * per synth, so a bad cadence stops `cdk synth` naming the file, and the reply functions' bundles hold the parsed
 * cadences and no validation (functions/runtime/cadence-manifest.ts, docs/architecture.md §9).
 */
export function cadenceManifestJson(cadencesDir: string): string {
  let json = cadenceManifests.get(cadencesDir);
  if (json === undefined) {
    json = JSON.stringify(loadCadencesSync(cadencesDir));
    cadenceManifests.set(cadencesDir, json);
  }
  return json;
}

/** JSON as a bash word: one line, single-quoted (local or Docker). */
const quotedJson = (json: string) => `'${json.replaceAll("'", `'\\''`)}'`;

/** The shell command that writes a manifest into a bundle: JSON is one line, single-quoted for bash (local or Docker). */
export function writeManifestCommand(json: string, outputDir: string): string {
  return `mkdir -p "${outputDir}/templates" && printf '%s' ${quotedJson(json)} > "${outputDir}/templates/${TEMPLATE_MANIFEST}"`;
}

/** The shell command that writes the cadences' manifest at the bundle's root, beside its cadence folder. */
export function writeCadenceManifestCommand(json: string, outputDir: string): string {
  return `printf '%s' ${quotedJson(json)} > "${outputDir}/${CADENCE_MANIFEST}"`;
}

/** What a bundle carries beside its code: the templates' manifest and the cadences' (both parsed at synth). */
export interface BundledManifests {
  readonly templates: string;
  readonly cadences: string;
}

/**
 * The shell command that builds one function's asset in `outputDir`: the bundle (scripts/lambda-bundle.ts, run with
 * the project's tsx), the cadences beside it and the manifests. `inputDir` is the project's root.
 */
export function bundleCommand(
  node: string,
  inputDir: string,
  outputDir: string,
  handler: string,
  manifests: BundledManifests,
): string {
  return [
    `"${node}" "${inputDir}/node_modules/tsx/dist/cli.mjs" "${inputDir}/scripts/lambda-bundle.ts" "${inputDir}/functions/entry/${handler}.ts" "${outputDir}"`,
    `cp -r "${inputDir}/cadences" "${outputDir}/cadences"`,
    writeManifestCommand(manifests.templates, outputDir),
    writeCadenceManifestCommand(manifests.cadences, outputDir),
  ].join(' && ');
}

/** Bundles on this machine with the project's own esbuild, or says why it cannot. */
function localBundling(handler: string, manifest: BundledManifests): NonNullable<BundlingOptions['local']> {
  return {
    tryBundle(outputDir) {
      const command = bundleCommand(process.execPath, ROOT.replace(/\/$/, ''), outputDir, handler, manifest);
      const result = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8' });
      if (result.status !== 0) {
        const why = (result.stderr || result.error?.message || '').trim();
        throw new Error(
          `bundling the ${handler} function failed (is the project installed? run npm ci): ${why}`,
        );
      }
      return true;
    },
  };
}

export interface FollowupFunctionProps {
  /** The entry module under functions/entry, without extension, e.g. "touch". */
  readonly handler: string;
  readonly description: string;
  /** The function's variables: `environmentFor(<its construct id>, settings)` (functions/runtime/env.ts). */
  readonly environment: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/**
 * Every Followup Lambda, with the team's defaults in one place: nodejs22.x on arm64, bundled by
 * scripts/lambda-bundle.ts, X-Ray, a log group with retention, and its own role that can write only its own logs.
 * The cadences and the templates' manifest ship inside the bundle so a send reads the deployed wording.
 */
export class FollowupFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: FollowupFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handler} function: its own logs plus what the stack grants`,
    });
    logGroup.grantWrite(role);
    // Parsed here, not when bundling, so synth reports a bad template or cadence even when bundling is skipped.
    const manifest = {
      templates: templateManifestJson(`${ROOT}templates`),
      cadences: cadenceManifestJson(`${ROOT}cadences`),
    };
    const runtime = lambda.Runtime.NODEJS_22_X;
    super(scope, id, {
      // The asset is the bundle, hashed by its output, so the project folder is never fingerprinted.
      code: lambda.Code.fromAsset(ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: localBundling(props.handler, manifest),
          // Required by CDK, used only where local bundling is not tried: the same command in the runtime's image.
          image: runtime.bundlingImage,
          command: [
            'bash',
            '-c',
            bundleCommand('node', '/asset-input', '/asset-output', props.handler, manifest),
          ],
        },
      }),
      // The `handler` export of the bundle's index.mjs (BUNDLE_FILE in scripts/lambda-bundle.ts).
      handler: 'index.handler',
      description: props.description,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the design targets and tests against; upgrades are a deliberate change.',
    });
  }

  /**
   * SMS to phone numbers: SNS Publish has no resource to name for a phone number, so it is allowed on `*` and every
   * topic is denied, which keeps the grant to texts.
   */
  allowSmsOnly(): void {
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        resources: ['arn:*:sns:*:*:*'],
      }),
    );
  }

  /**
   * Reads one secret's value: GetSecretValue only (grantRead adds DescribeSecret, which no function calls). The
   * secrets use Secrets Manager's own key, so no KMS grant is needed.
   */
  allowSecretValue(secret: secretsmanager.ISecret): void {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
  }

  /** Least privilege on the table: exactly these item actions, no indexes, no scans. */
  allowTable(tableArn: string, actions: readonly string[]): void {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [tableArn] }),
    );
  }
}
