import { AssetStaging, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { readTemplateManifest } from '../functions/adapters/template-files.ts';
import { TEMPLATE_MANIFEST } from '../functions/core/template-source.ts';

export const ROOT = new URL('..', import.meta.url).pathname;
/** Where the bundle's cadences and template manifest are on Lambda (see afterBundling below). */
export const BUNDLED_CADENCES_DIR = '/var/task/cadences';
export const BUNDLED_TEMPLATES_DIR = '/var/task/templates';

/**
 * Modules the bundles replace (docs/architecture.md §9): the SDK's default credential chain by the environment's
 * credentials, which is where Lambda puts the role's. Paths are relative to the project root, where esbuild runs.
 */
export const BUNDLE_ALIASES = {
  '@aws-sdk/credential-provider-node': './functions/runtime/env-credentials.ts',
} as const;

/**
 * How every function is bundled: an ESM bundle minified with the AWS SDK inside (a bundled SDK loads ~200 ms faster
 * than the runtime's), source maps without sources, BUNDLE_ALIASES applied. bench/functions.ts builds from these same
 * options, so its sizes and load times are the deployed ones (test/infra/bundling.test.ts).
 */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); ESM output needs it defined.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  esbuildArgs: {
    '--alias': Object.entries(BUNDLE_ALIASES).map(([module, replacement]) => `${module}=${replacement}`),
  },
  // Docker bundling (when esbuild is not installed) runs in the project's copy, so the aliases resolve there too.
  workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
} satisfies BundlingOptions;

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

/** The shell command that writes a manifest into a bundle: JSON is one line, single-quoted for bash (local or Docker). */
export function writeManifestCommand(json: string, outputDir: string): string {
  const quoted = `'${json.replaceAll("'", `'\\''`)}'`;
  return `mkdir -p "${outputDir}/templates" && printf '%s' ${quoted} > "${outputDir}/templates/${TEMPLATE_MANIFEST}"`;
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
 * Every Followup Lambda, with the team's defaults in one place: nodejs22.x on arm64, bundled as LAMBDA_BUNDLING says,
 * X-Ray, a log group with retention, and its own role that can write only its own logs.
 * The cadences and the templates' manifest ship inside the bundle so a send reads the deployed wording.
 */
export class FollowupFunction extends NodejsFunction {
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
    // Parsed here, not when bundling, so synth reports a bad template even when bundling is skipped.
    const manifest = templateManifestJson(`${ROOT}templates`);
    super(scope, id, {
      entry: `${ROOT}functions/entry/${props.handler}.ts`,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        ...LAMBDA_BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -r "${inputDir}/cadences" "${outputDir}/cadences"`,
            writeManifestCommand(manifest, outputDir),
          ],
        },
      },
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
