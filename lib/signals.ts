import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import { CART_CADENCE } from '../functions/domain/shop.ts';
import type { FollowupConfig } from './config.ts';
import { FollowupFunction } from './followup-function.ts';

export interface SignalsProps {
  readonly config: FollowupConfig;
  readonly cadences: readonly Cadence[];
  readonly tableArn: string;
  readonly api: apigw.HttpApi;
  readonly unsubscribeKey: secrets.ISecret;
  readonly senderIdentityArn: string;
  /** Environment every enrolling function reads (table, state machine ARN template, cadences, zone). */
  readonly enrollEnvironment: Record<string, string>;
  readonly businessEnvironment: Record<string, string>;
  readonly machineName: (cadenceId: string) => string;
  /** states:StartExecution on the live aliases of these cadences. */
  readonly startExecutions: (cadenceIds: readonly string[]) => iam.PolicyStatement;
}

/** The cadences signals enroll leads in: a snooze ends in re-engage, an abandoned cart starts its follow-up. */
const RE_ENGAGE = 're-engage';
const TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] as const;
const INBOUND_PREFIX = 'inbound/';

/**
 * Every way a cadence stops (DESIGN §1): SES inbound replies, SES events, one-click unsubscribe, two-way SMS, rep
 * outcomes and shop events. Each function writes DynamoDB first, then stops the lead's executions.
 */
export class Signals extends Construct {
  readonly functions: FollowupFunction[] = [];
  readonly shopBus: events.EventBus;
  readonly smsInboundTopic: sns.Topic;
  readonly inboundMail: s3.Bucket;
  readonly receiptRuleSetName: string;

  constructor(scope: Construct, id: string, props: SignalsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config, api } = props;
    // Stopping needs the execution ARNs, whose names are only known at run time: one wildcard per cadence.
    const stopExecutions = new iam.PolicyStatement({
      actions: ['states:StopExecution'],
      resources: props.cadences.map((c) =>
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${props.machineName(c.id)}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    });
    // cdk-nag names each wildcard resource as it renders it: literal region and account when the stack has them.
    const rendered = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const acknowledgeStops = (f: FollowupFunction) => {
      for (const cadence of props.cadences) {
        const arn = `arn:<AWS::Partition>:states:${rendered(stack.region, 'Region')}:${rendered(stack.account, 'AccountId')}:execution:${props.machineName(cadence.id)}:*`;
        Validations.of(f.role as iam.IRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${arn}]`,
          reason: 'StopExecution must reach executions whose names are made per lead at enrollment.',
        });
      }
    };
    const sendEmail = new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [props.senderIdentityArn],
    });

    const present = new Set(props.cadences.map((c) => c.id));
    const fn = (
      name: string,
      handler: string,
      description: string,
      environment: Record<string, string> = {},
      /** The cadences this function enrolls leads in (a snooze's re-engage, a cart's follow-up), if any. */
      enrolls: readonly string[] = [],
    ) => {
      const f = new FollowupFunction(stack, name, {
        handler,
        description,
        // Under the 15-minute window in which a signal's in-flight marker is considered live.
        timeout: Duration.seconds(60),
        environment: { ...props.enrollEnvironment, ...environment },
      });
      f.allowTable(props.tableArn, TABLE_ACTIONS);
      f.addToRolePolicy(stopExecutions);
      const starts = enrolls.filter((id) => present.has(id));
      if (starts.length > 0) f.addToRolePolicy(props.startExecutions(starts));
      acknowledgeStops(f);
      this.functions.push(f);
      return f;
    };
    // Replies: SES receives mail for the reply domain, stores it, then invokes the function.
    const mailKey = new kms.Key(this, 'InboundMailKey', {
      description: 'Encrypts replies received by SES',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    mailKey.grant(new iam.ServicePrincipal('ses.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Encrypt');
    this.inboundMail = new s3.Bucket(this, 'InboundMail', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: mailKey,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.inboundMail).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only SES writes and one function reads this bucket; its access is in CloudTrail, replies expire in 90 days.',
    });
    const inboundEmail = fn(
      'InboundEmail',
      'inbound-email',
      'A reply by email: stops the cadence, forwards it to the rep',
      {
        ...props.businessEnvironment,
        UNSUBSCRIBE_SECRET_ARN: props.unsubscribeKey.secretArn,
        FALLBACK_EMAIL: config.owner.email,
        INBOUND_BUCKET: this.inboundMail.bucketName,
        INBOUND_PREFIX,
      },
      [RE_ENGAGE],
    );
    inboundEmail.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.inboundMail.arnForObjects(`${INBOUND_PREFIX}*`)],
      }),
    );
    mailKey.grantDecrypt(inboundEmail);
    props.unsubscribeKey.grantRead(inboundEmail);
    inboundEmail.addToRolePolicy(sendEmail);
    const bucketId = stack.resolve(stack.getLogicalId(this.inboundMail.node.defaultChild as s3.CfnBucket));
    Validations.of(inboundEmail.role as iam.IRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${INBOUND_PREFIX}*]`,
      reason:
        'Replies are stored under inbound/ by SES message id; the function reads whichever one arrived.',
    });
    const ruleSet = new ses.ReceiptRuleSet(this, 'Replies', {
      rules: [
        {
          recipients: [config.replyDomain],
          scanEnabled: true,
          actions: [
            new sesActions.S3({ bucket: this.inboundMail, objectKeyPrefix: INBOUND_PREFIX, kmsKey: mailKey }),
            new sesActions.Lambda({
              function: inboundEmail,
              invocationType: sesActions.LambdaInvocationType.EVENT,
            }),
          ],
        },
      ],
    });
    this.receiptRuleSetName = ruleSet.receiptRuleSetName;

    // SES events from the configuration set arrive on the default bus.
    const sesEvents = fn(
      'SesEvents',
      'ses-events',
      'Bounces and complaints suppress and stop; delivery, open, click are recorded',
    );
    new events.Rule(this, 'SesEventsRule', {
      description: 'SES events of Followup emails',
      eventPattern: {
        source: ['aws.ses'],
        detailType: [
          'Email Bounced',
          'Email Complaint Received',
          'Email Delivered',
          'Email Opened',
          'Email Clicked',
        ],
      },
      targets: [new targets.LambdaFunction(sesEvents, { retryAttempts: 8 })],
    });

    // One-click unsubscribe (RFC 8058) and its confirmation page.
    const unsubscribe = fn('Unsubscribe', 'unsubscribe', 'GET/POST /u/{token}: one-click unsubscribe', {
      UNSUBSCRIBE_SECRET_ARN: props.unsubscribeKey.secretArn,
      BUSINESS_NAME: config.business.name,
    });
    props.unsubscribeKey.grantRead(unsubscribe);

    // Two-way SMS: End User Messaging delivers inbound texts to this topic.
    const topicKey = new kms.Key(this, 'SmsInboundKey', {
      description: 'Encrypts inbound SMS',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    topicKey.grant(
      new iam.ServicePrincipal('sms-voice.amazonaws.com'),
      'kms:GenerateDataKey*',
      'kms:Decrypt',
    );
    this.smsInboundTopic = new sns.Topic(this, 'SmsInbound', {
      displayName: 'Followup inbound SMS',
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.smsInboundTopic.grantPublish(new iam.ServicePrincipal('sms-voice.amazonaws.com'));
    const smsInbound = fn('SmsInbound', 'sms-inbound', 'Inbound SMS: STOP/HELP/START keywords and replies', {
      ...props.businessEnvironment,
      FALLBACK_EMAIL: config.owner.email,
    });
    smsInbound.addToRolePolicy(sendEmail);
    smsInbound.allowSmsOnly();
    Validations.of(smsInbound).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'SNS Publish to a phone number (the STOP/HELP answer) has no resource ARN.',
    });
    this.smsInboundTopic.addSubscription(new subscriptions.LambdaSubscription(smsInbound));

    // Rep outcomes: IAM-signed API calls, and signed single-purpose links in the reps' task emails.
    const outcome = fn(
      'Outcome',
      'outcome',
      'A rep logs an outcome: replied, meeting, won, lost, not now',
      { UNSUBSCRIBE_SECRET_ARN: props.unsubscribeKey.secretArn, BUSINESS_NAME: config.business.name },
      [RE_ENGAGE],
    );
    props.unsubscribeKey.grantRead(outcome);

    // Shops: events on the stack's own bus, or a signed webhook for shops that cannot put events.
    this.shopBus = new events.EventBus(this, 'ShopBus', {
      description: 'cart.abandoned and order.completed events',
    });
    const shopEvents = fn(
      'ShopEvents',
      'shop-events',
      'cart.abandoned enrolls; order.completed converts and stops',
      {},
      [CART_CADENCE],
    );
    new events.Rule(this, 'ShopEventsRule', {
      eventBus: this.shopBus,
      eventPattern: { detailType: ['cart.abandoned', 'order.completed'] },
      targets: [new targets.LambdaFunction(shopEvents, { retryAttempts: 8 })],
    });
    const webhookSecret = new secrets.Secret(this, 'ShopWebhookSecret', {
      description: 'Shared secret shops sign webhook bodies with (X-Followup-Signature)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The shop holds a copy of this secret; rotation is a coordinated change with the shop.',
    });
    const shopWebhook = fn(
      'ShopWebhook',
      'shop-webhook',
      'POST /shop/events: HMAC-signed shop events',
      { SHOP_WEBHOOK_SECRET_ARN: webhookSecret.secretArn },
      [CART_CADENCE],
    );
    webhookSecret.grantRead(shopWebhook);

    const route = (
      path: string,
      methods: apigw.HttpMethod[],
      handler: FollowupFunction,
      authorizer?: apigw.IHttpRouteAuthorizer,
    ) => {
      const routes = api.addRoutes({
        path,
        methods,
        integration: new HttpLambdaIntegration(`${handler.node.id}${methods.join('')}Integration`, handler),
        ...(authorizer ? { authorizer } : {}),
      });
      if (!authorizer) {
        for (const r of routes) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'Authorised by an HMAC-signed token or signature in the request itself, verified in constant time.',
          });
        }
      }
    };
    route('/u/{token}', [apigw.HttpMethod.GET, apigw.HttpMethod.POST], unsubscribe);
    route('/o/{token}', [apigw.HttpMethod.GET, apigw.HttpMethod.POST], outcome);
    route('/leads/{id}/outcome', [apigw.HttpMethod.POST], outcome, new HttpIamAuthorizer());
    route('/shop/events', [apigw.HttpMethod.POST], shopWebhook);
  }
}
