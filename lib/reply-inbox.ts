import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface ReplyInboxProps {
  /** The domain replies are addressed to (reply+TOKEN@domain); its MX record points at SES. */
  readonly replyDomain: string;
  /** Where SES stores each raw message, by its message id. */
  readonly prefix: string;
  /** Make this the region's active receipt rule set on deploy, and deactivate it on destroy. */
  readonly activate: boolean;
}

const RULE_NAME = 'store-then-signal';

/**
 * Mail to the reply domain: SES stores the raw message in a bucket, then invokes the reply function, which reads it
 * with a plain GetObject. The bucket is encrypted by S3 (SSE-S3), not by SES: a KMS key on the S3 action makes SES
 * encrypt client-side, readable only with the S3 encryption client. Only this account's SES, for this one rule, may
 * write to it.
 */
export class ReplyInbox extends Construct {
  readonly bucket: s3.Bucket;
  readonly ruleSetName: string;
  private readonly props: ReplyInboxProps;

  constructor(scope: Construct, id: string, props: ReplyInboxProps) {
    super(scope, id);
    this.props = props;
    // Named, not generated: the bucket policy names the rule's ARN, and a reference would make a cycle.
    this.ruleSetName = `${Stack.of(this).stackName}-replies`;
    this.bucket = new s3.Bucket(this, 'Mail', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only SES writes and one function reads this bucket; its access is in CloudTrail, replies expire in 90 days.',
    });
  }

  /** The receipt rule: store, then invoke `fn` asynchronously (its on-failure destination keeps what fails). */
  deliverTo(fn: lambda.IFunction): ses.ReceiptRuleSet {
    const ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', {
      receiptRuleSetName: this.ruleSetName,
      rules: [
        {
          receiptRuleName: RULE_NAME,
          recipients: [this.props.replyDomain],
          scanEnabled: true,
          actions: [
            new StoreRaw(this.bucket, this.props.prefix, this.ruleArn()),
            new sesActions.Lambda({ function: fn, invocationType: sesActions.LambdaInvocationType.EVENT }),
          ],
        },
      ],
    });
    if (this.props.activate) this.activateOnDeploy(ruleSet);
    return ruleSet;
  }

  private ruleArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${this.ruleSetName}:receipt-rule/${RULE_NAME}`,
    });
  }

  /**
   * SES v1 SetActiveReceiptRuleSet on create, and with no name on delete (an active set cannot be deleted, so
   * `cdk destroy` would fail). The action names no resource type, so its grant is on "*".
   */
  private activateOnDeploy(ruleSet: ses.ReceiptRuleSet): void {
    const activate: cr.AwsSdkCall = {
      service: 'SES',
      action: 'SetActiveReceiptRuleSet',
      parameters: { RuleSetName: this.ruleSetName },
      physicalResourceId: cr.PhysicalResourceId.of(this.ruleSetName),
    };
    const activation = new cr.AwsCustomResource(this, 'Activation', {
      onCreate: activate,
      onUpdate: activate,
      onDelete: { service: 'SES', action: 'SetActiveReceiptRuleSet', parameters: {} },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'ActivationLogs', {
        retention: logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // Activate once the rule exists, and deactivate before the set is deleted.
    activation.node.addDependency(ruleSet);
    Validations.of(activation).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ses:SetActiveReceiptRuleSet has no resource type in the Service Authorization Reference.',
    });
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The CDK custom-resource provider writes only its own logs; its one SES permission is the inline policy.',
      });
    }
  }
}

/** The singleton function every AwsCustomResource in a stack shares (its construct id in aws-cdk-lib). */
const AWS_CUSTOM_RESOURCE_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * The S3 action without a KMS key, and a bucket policy narrower than sesActions.S3 gives (which checks only the
 * account): SES may put objects under the prefix only for this account and this rule.
 */
class StoreRaw implements ses.IReceiptRuleAction {
  constructor(
    private readonly bucket: s3.Bucket,
    private readonly prefix: string,
    private readonly ruleArn: string,
  ) {}

  bind(rule: ses.IReceiptRuleRef): ses.ReceiptRuleActionConfig {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.ruleArn } },
      }),
    );
    // SES writes a test object when the rule is created: the policy must exist first.
    if (this.bucket.policy) rule.node.addDependency(this.bucket.policy);
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: this.prefix } };
  }
}
