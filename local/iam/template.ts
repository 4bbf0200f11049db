import type { Json, NamedPolicy, PolicyDocument } from './evaluate.ts';

/*
 * The policies a synthesized stack gives each function, and the resources' own policies, with every CloudFormation
 * intrinsic resolved to the names and ARNs the local runtime uses, so an SDK call made locally is evaluated against
 * exactly what the deployed role would carry.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}

export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

export interface LocalAccount {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  /** Physical ids (what `Ref` returns) the local runtime uses, by logical id; others are derived from the id. */
  readonly physicalIds: Readonly<Record<string, string>>;
}

export class UnresolvableIntrinsic extends Error {
  override readonly name = 'UnresolvableIntrinsic';
}

/** What `Ref` and `Fn::GetAtt` give for each resource type (the CloudFormation resource reference's Return values). */
export class TemplateResolver {
  constructor(
    readonly template: CfnTemplate,
    readonly account: LocalAccount,
  ) {}

  private arn(service: string, resource: string, regional = true, withAccount = true): string {
    const { partition, region, account } = this.account;
    return `arn:${partition}:${service}:${regional ? region : ''}:${withAccount ? account : ''}:${resource}`;
  }

  private resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new UnresolvableIntrinsic(`no resource ${logicalId} in the template`);
    return resource;
  }

  /** The resource's physical name: the override, else its explicit name property, else one made from its id. */
  name(logicalId: string): string {
    const override = this.account.physicalIds[logicalId];
    if (override) return override;
    const props = this.resource(logicalId).Properties ?? {};
    for (const key of [
      'StateMachineName',
      'FunctionName',
      'TableName',
      'BucketName',
      'QueueName',
      'TopicName',
      'Name',
    ]) {
      const value = props[key];
      if (value !== undefined) return String(this.resolve(value));
    }
    return `${this.account.stackName}-${logicalId}`;
  }

  ref(logicalId: string): string {
    switch (logicalId) {
      case 'AWS::Partition':
        return this.account.partition;
      case 'AWS::Region':
        return this.account.region;
      case 'AWS::AccountId':
        return this.account.account;
      case 'AWS::StackName':
        return this.account.stackName;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        return '';
    }
    const { Type } = this.resource(logicalId);
    switch (Type) {
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::StepFunctions::StateMachineAlias':
      case 'AWS::StepFunctions::StateMachineVersion':
        return this.getAtt(logicalId, 'Arn');
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.account.region}.amazonaws.com/${this.account.account}/${this.name(logicalId)}`;
      default:
        return this.name(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const name = () => this.name(logicalId);
    const props = resource.Properties ?? {};
    if (attribute === 'Arn' || attribute.endsWith('Arn')) {
      switch (resource.Type) {
        case 'AWS::DynamoDB::GlobalTable':
        case 'AWS::DynamoDB::Table':
          return this.arn('dynamodb', `table/${name()}`);
        case 'AWS::Lambda::Function':
          return this.arn('lambda', `function:${name()}`);
        case 'AWS::IAM::Role':
          return this.arn('iam', `role/${name()}`, false);
        case 'AWS::S3::Bucket':
          return this.arn('s3', name(), false, false);
        case 'AWS::KMS::Key':
          return this.arn('kms', `key/${name()}`);
        case 'AWS::SQS::Queue':
          return this.arn('sqs', name());
        case 'AWS::SNS::Topic':
          return this.arn('sns', name());
        case 'AWS::SecretsManager::Secret':
          return this.account.physicalIds[logicalId] ?? this.arn('secretsmanager', `secret:${name()}-AbCdEf`);
        case 'AWS::StepFunctions::StateMachine':
          return this.arn('states', `stateMachine:${name()}`);
        case 'AWS::StepFunctions::StateMachineAlias': {
          const machine = String(this.resolve(aliasTarget(props)));
          return `${machine.replace(/:\d+$/, '')}:${String(this.resolve(props.Name ?? ''))}`;
        }
        case 'AWS::StepFunctions::StateMachineVersion':
          return `${String(this.resolve(props.StateMachineArn ?? ''))}:1`;
        case 'AWS::Events::EventBus':
          return this.arn('events', `event-bus/${name()}`);
        case 'AWS::Events::Rule':
          return this.arn('events', `rule/${name()}`);
        case 'AWS::Logs::LogGroup':
          return this.arn('logs', `log-group:${name()}:*`);
        default:
          return this.arn(resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown', logicalId);
      }
    }
    if (attribute === 'Name' || attribute.endsWith('Name')) return name();
    if (resource.Type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return this.ref(logicalId);
    return `${logicalId}.${attribute}`;
  }

  /** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split anywhere in a value. */
  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = value[key] as Json;
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
          return this.getAtt(id ?? '', attribute ?? '');
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, Json[]];
          return (this.resolve(parts) as Json[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, items] = arg as [number, Json];
          return (this.resolve(items) as Json[])[Number(index)] ?? '';
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, Json];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, Json>];
          return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
            if (name in vars) return String(this.resolve(vars[name] as Json));
            const [id, attribute] = name.split('.');
            return attribute ? this.getAtt(id ?? '', attribute) : this.ref(name);
          });
        }
        case 'Fn::If':
        case 'Fn::ImportValue':
        case 'Fn::FindInMap':
          throw new UnresolvableIntrinsic(`${key} is not modelled`);
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }
}

function aliasTarget(props: Record<string, Json>): Json {
  const routing = props.RoutingConfiguration as { StateMachineVersionArn: Json }[] | undefined;
  return routing?.[0]?.StateMachineVersionArn ?? props.DeploymentPreference ?? '';
}

/** A function of the stack, as the IAM evaluation sees it: its role and every identity policy attached to it. */
export interface FunctionPolicies {
  /** The construct id, e.g. "Touch": the name the local runtime invokes it by. */
  readonly name: string;
  readonly roleArn: string;
  readonly policies: readonly NamedPolicy[];
  /** The function's environment, resolved. */
  readonly environment: Readonly<Record<string, string>>;
}

/** A role and every identity policy attached to it. */
export interface RolePolicies {
  readonly roleArn: string;
  readonly policies: readonly NamedPolicy[];
}

export interface StackPolicies {
  readonly functions: ReadonlyMap<string, FunctionPolicies>;
  /** Each function's ARN, by construct id. */
  readonly functionArns: ReadonlyMap<string, string>;
  /** Each state machine's role (what its Task states may invoke), by state machine name. */
  readonly machines: ReadonlyMap<string, RolePolicies>;
  /** Key policies, bucket policies, secret, topic and queue policies, by the ARN of the resource they guard. */
  readonly resourcePolicies: ReadonlyMap<string, NamedPolicy>;
  /** The KMS key ARN a bucket encrypts its objects with by default, for buckets with SSE-KMS. */
  readonly bucketKeys: ReadonlyMap<string, string>;
  readonly resolver: TemplateResolver;
}

const asDocument = (value: Json): PolicyDocument => {
  const doc = value as unknown as {
    Statement: PolicyDocument['Statement'] | PolicyDocument['Statement'][number];
  };
  return { Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] };
};

/**
 * Reads the policies of every function whose construct id is in `functionIds` (logical id → name): identity policies
 * (AWS::IAM::Policy attached to its role, and the role's inline policies) and the resource policies of the stack.
 */
export function stackPolicies(
  template: CfnTemplate,
  account: LocalAccount,
  functionIds: ReadonlyMap<string, string>,
): StackPolicies {
  const resolver = new TemplateResolver(template, account);
  const entries = Object.entries(template.Resources);
  const roleOf = (owner: string, role: Json | undefined): RolePolicies => {
    const roleId = (role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    if (!roleId) throw new UnresolvableIntrinsic(`${owner} has no role of this stack`);
    const policies: NamedPolicy[] = [];
    const inline = (template.Resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyName: string;
      PolicyDocument: Json;
    }[];
    for (const p of inline) {
      policies.push({
        name: `${roleId}/${p.PolicyName}`,
        document: asDocument(resolver.resolve(p.PolicyDocument)),
      });
    }
    for (const [policyId, resource] of entries) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const roles = (resource.Properties?.Roles ?? []) as { Ref?: string }[];
      if (!roles.some((r) => r.Ref === roleId)) continue;
      policies.push({
        name: policyId,
        document: asDocument(resolver.resolve(resource.Properties?.PolicyDocument ?? {})),
      });
    }
    return { roleArn: resolver.getAtt(roleId, 'Arn'), policies };
  };

  const functions = new Map<string, FunctionPolicies>();
  const functionArns = new Map<string, string>();
  for (const [logicalId, name] of functionIds) {
    const fn = template.Resources[logicalId];
    if (fn?.Type !== 'AWS::Lambda::Function') throw new UnresolvableIntrinsic(`no function ${logicalId}`);
    const { roleArn, policies } = roleOf(`function ${name}`, fn.Properties?.Role);
    functionArns.set(name, resolver.getAtt(logicalId, 'Arn'));
    const variables = ((fn.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)
      ?.Variables ?? {}) as Record<string, Json>;
    functions.set(name, {
      name,
      roleArn,
      policies,
      environment: Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, String(resolver.resolve(v))]),
      ),
    });
  }

  const machines = new Map<string, RolePolicies>();
  for (const [logicalId, resource] of entries) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    machines.set(
      resolver.name(logicalId),
      roleOf(`state machine ${logicalId}`, resource.Properties?.RoleArn),
    );
  }

  const resourcePolicies = new Map<string, NamedPolicy>();
  const bucketKeys = new Map<string, string>();
  const guard = (arn: string, name: string, document: Json) =>
    resourcePolicies.set(arn, { name, document: asDocument(resolver.resolve(document)) });
  for (const [logicalId, resource] of entries) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::KMS::Key':
        guard(resolver.getAtt(logicalId, 'Arn'), logicalId, props.KeyPolicy ?? { Statement: [] });
        break;
      case 'AWS::S3::BucketPolicy':
        guard(
          `arn:${account.partition}:s3:::${String(resolver.resolve(props.Bucket ?? ''))}`,
          logicalId,
          props.PolicyDocument ?? {},
        );
        break;
      case 'AWS::SecretsManager::ResourcePolicy':
        guard(String(resolver.resolve(props.SecretId ?? '')), logicalId, props.ResourcePolicy ?? {});
        break;
      case 'AWS::SNS::TopicPolicy':
        for (const topic of resolver.resolve(props.Topics ?? []) as string[])
          guard(topic, logicalId, props.PolicyDocument ?? {});
        break;
      case 'AWS::SQS::QueuePolicy':
        for (const url of resolver.resolve(props.Queues ?? []) as string[]) {
          const queue = url.split('/').at(-1) ?? '';
          guard(
            `arn:${account.partition}:sqs:${account.region}:${account.account}:${queue}`,
            logicalId,
            props.PolicyDocument ?? {},
          );
        }
        break;
      case 'AWS::S3::Bucket': {
        const rules = (props.BucketEncryption as { ServerSideEncryptionConfiguration?: Json[] } | undefined)
          ?.ServerSideEncryptionConfiguration as
          | { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: Json } }[]
          | undefined;
        const byDefault = rules?.[0]?.ServerSideEncryptionByDefault;
        if (byDefault?.SSEAlgorithm === 'aws:kms' && byDefault.KMSMasterKeyID) {
          bucketKeys.set(
            resolver.getAtt(logicalId, 'Arn'),
            String(resolver.resolve(byDefault.KMSMasterKeyID)),
          );
        }
        break;
      }
    }
  }
  return { functions, functionArns, machines, resourcePolicies, bucketKeys, resolver };
}
