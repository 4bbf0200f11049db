import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import type { FollowupConfig } from '../functions/core/config.ts';
import { CART_CADENCE } from '../functions/domain/shop.ts';
import { REENGAGE_CADENCE } from '../functions/domain/signals.ts';
import { environmentFor, type FunctionName } from '../functions/runtime/env.ts';
import { type Settings, type StackOutputs, settingsFromConfig } from '../functions/runtime/settings.ts';
import { FailureQueue } from './failure-queue.ts';
import { FollowupFunction } from './followup-function.ts';
import { mailParser } from './inbound-email.ts';
import { ReplyInbox } from './reply-inbox.ts';

/** The stack's outputs but those this construct makes: the bucket of received mail and the webhook secret. */
export type StackOutputsBeforeSignals = Omit<
  StackOutputs,
  'inboundBucket' | 'inboundPrefix' | 'shopWebhookSecretArn'
>;

export interface SignalsProps {
  readonly config: FollowupConfig;
  readonly outputs: StackOutputsBeforeSignals;
  readonly cadences: readonly Cadence[];
  readonly tableArn: string;
  readonly api: apigw.HttpApi;
  readonly unsubscribeKey: secrets.ISecret;
  /** What ses:SendEmail is authorized against: the domain identity and the From address's own identity. */
  readonly senderIdentityArns: readonly string[];
  /** Only this configuration set's SES events reach the ses-events function. */
  readonly configurationSetName: string;
  readonly machineName: (cadenceId: string) => string;
  /** states:StartExecution of these cadences, through their live alias only. */
  readonly startExecutions: (cadenceIds: readonly string[]) => iam.PolicyStatement;
}

const TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] as const;
const INBOUND_PREFIX = 'inbound/';

/**
 * Every way a cadence stops (docs/architecture.md §4): SES inbound replies, SES events, one-click unsubscribe,
 * two-way SMS, rep outcomes and shop events. Each function writes DynamoDB first, then stops the lead's executions.
 */
export class Signals extends Construct {
  readonly functions: FollowupFunction[] = [];
  /** Where each asynchronously invoked function's unhandled events wait to be redriven. */
  readonly failureQueues: FailureQueue[] = [];
  readonly shopBus: events.EventBus;
  readonly smsInboundTopic: sns.Topic;
  readonly inboundMail: s3.Bucket;
  readonly receiptRuleSetName: string;
  /** Every function's settings, the stack's outputs complete with this construct's bucket and secret. */
  readonly settings: Settings;

  constructor(scope: Construct, id: string, props: SignalsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config, api } = props;
    // Stopping needs the execution ARNs, whose names are only known at run time: one wildcard per cadence.
    // An execution started through the alias is still execution:<machine>:<name>; the alias is only its attribute.
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
      resources: [...props.senderIdentityArns],
    });
    /*
     * Async invocations retry twice, then go to the function's on-failure queue; a trigger that can fail to invoke
     * at all (EventBridge, SNS) gets its own dead-letter queue beside it.
     */
    const keepFailures = (f: FollowupFunction) => {
      const failed = new FailureQueue(this, `${f.node.id}Failed`, { function: f, source: 'lambda' });
      f.configureAsyncInvoke({
        onFailure: failed.asDestination(),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      });
      this.failureQueues.push(failed);
    };
    const undelivered = (f: FollowupFunction, source: 'eventbridge' | 'sns', topicArn?: string) => {
      const queue = new FailureQueue(this, `${f.node.id}Undelivered`, {
        function: f,
        source,
        ...(topicArn ? { topicArn } : {}),
      });
      this.failureQueues.push(queue);
      return queue.queue;
    };

    const present = new Set(props.cadences.map((c) => c.id));
    // Replies: SES receives mail for the reply domain, stores it, then invokes the function.
    const inbox = new ReplyInbox(this, 'Replies', {
      replyDomain: config.replyDomain,
      prefix: INBOUND_PREFIX,
      activate: config.replies.activateRuleSet,
    });
    this.inboundMail = inbox.bucket;
    const webhookSecret = new secrets.Secret(this, 'ShopWebhookSecret', {
      description: 'Shared secret shops sign webhook bodies with (X-Followup-Signature)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The shop holds a copy of this secret; rotation is a coordinated change with the shop.',
    });
    this.settings = settingsFromConfig(config, {
      ...props.outputs,
      inboundBucket: this.inboundMail.bucketName,
      inboundPrefix: INBOUND_PREFIX,
      shopWebhookSecretArn: webhookSecret.secretArn,
    });

    const fn = (
      name: FunctionName,
      handler: string,
      description: string,
      /** The cadences this function enrolls leads in (a snooze's re-engage, a cart's follow-up), if any. */
      enrolls: readonly string[] = [],
      /** The reply reader it hands replies to (ReadReply), which it waits for. */
      reader?: FollowupFunction,
    ) => {
      const f = new FollowupFunction(stack, name, {
        handler,
        description,
        // Under the 15-minute window in which a signal's in-flight marker is considered live; a caller of the
        // reader waits for its 60 s and longer, so the reader's error is the one that surfaces.
        timeout: Duration.seconds(reader ? 90 : 60),
        environment: environmentFor(name, {
          ...this.settings,
          ...(reader ? { readReplyFunction: reader.functionName } : {}),
        }),
      });
      if (reader) {
        // The function's own ARN: an unqualified Invoke needs no more (grantInvoke would add every version and alias).
        f.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [reader.functionArn] }),
        );
      }
      f.allowTable(props.tableArn, TABLE_ACTIONS);
      f.addToRolePolicy(stopExecutions);
      const starts = enrolls.filter((id) => present.has(id));
      if (starts.length > 0) {
        f.addToRolePolicy(props.startExecutions(starts));
        // Enrolling writes its events and markers, which need no condition, together (functions/domain/enroll-writes.ts).
        f.allowTable(props.tableArn, ['BatchWriteItem']);
      }
      acknowledgeStops(f);
      this.functions.push(f);
      return f;
    };
    // A reply read as not-now starts re-engage; one read as a referral enrolls the person it names (#14).
    const replyStarts = [
      ...new Set([
        this.settings.reengageCadence ?? REENGAGE_CADENCE,
        ...(this.settings.referralCadence ? [this.settings.referralCadence] : []),
      ]),
    ];
    // Replies by email: the parser opens the stored MIME and hands each reply to the reader (docs/architecture.md §4.1);
    // SmsInbound hands it each person's text.
    const readReply = fn(
      'ReadReply',
      'read-reply',
      'A reply by email (parsed) or text: reads it, stops the cadence, forwards it to the rep',
      replyStarts,
    );
    readReply.allowSecretValue(props.unsubscribeKey);
    readReply.addToRolePolicy(sendEmail);
    const inboundEmail = mailParser(this, {
      settings: this.settings,
      reader: readReply,
      bucket: this.inboundMail,
      prefix: INBOUND_PREFIX,
    });
    this.functions.push(inboundEmail);
    keepFailures(inboundEmail);
    inbox.deliverTo(inboundEmail);
    this.receiptRuleSetName = inbox.ruleSetName;

    // SES events from the configuration set arrive on the default bus.
    const sesEvents = fn(
      'SesEvents',
      'ses-events',
      'Bounces and complaints suppress and stop; delivery, open, click are recorded',
    );
    keepFailures(sesEvents);
    new events.Rule(this, 'SesEventsRule', {
      description: 'SES events of Followup emails',
      eventPattern: {
        source: ['aws.ses'],
        // The default bus carries every configuration set's events in the account: take only this stack's.
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
        detailType: [
          'Email Bounced',
          'Email Complaint Received',
          'Email Delivered',
          'Email Opened',
          'Email Clicked',
        ],
      },
      targets: [
        new targets.LambdaFunction(sesEvents, {
          retryAttempts: 8,
          deadLetterQueue: undelivered(sesEvents, 'eventbridge'),
        }),
      ],
    });

    // One-click unsubscribe (RFC 8058) and its confirmation page.
    const unsubscribe = fn('Unsubscribe', 'unsubscribe', 'GET/POST /u/{token}: one-click unsubscribe');
    unsubscribe.allowSecretValue(props.unsubscribeKey);

    // Two-way SMS: End User Messaging delivers inbound texts to this topic.
    const topicKey = new kms.Key(this, 'SmsInboundKey', {
      description: 'Encrypts inbound SMS',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.smsInboundTopic = new sns.Topic(this, 'SmsInbound', {
      displayName: 'Followup inbound SMS',
      masterKey: topicKey,
      enforceSSL: true,
    });
    // Also lets End User Messaging use the topic's key (kms:GenerateDataKey*, kms:Decrypt).
    this.smsInboundTopic.grantPublish(new iam.ServicePrincipal('sms-voice.amazonaws.com'));
    // The keywords and opt-outs in words are its own; a person's text goes to the reader (docs/architecture.md §4.1).
    const smsInbound = fn(
      'SmsInbound',
      'sms-inbound',
      'Inbound SMS: STOP/HELP/START keywords; replies go to ReadReply',
      [],
      readReply,
    );
    smsInbound.addToRolePolicy(sendEmail);
    smsInbound.allowSmsOnly();
    if (config.sms.optOuts === 'aws') {
      // A START counts only once AWS has taken the number off its opt-out list: the function asks it.
      smsInbound.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }),
      );
    }
    Validations.of(smsInbound).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SNS Publish to a phone number (the STOP/HELP answer) and CheckIfPhoneNumberIsOptedOut have no resource ARN.',
    });
    keepFailures(smsInbound);
    this.smsInboundTopic.addSubscription(
      new subscriptions.LambdaSubscription(smsInbound, {
        deadLetterQueue: undelivered(smsInbound, 'sns', this.smsInboundTopic.topicArn),
      }),
    );

    // Rep outcomes: IAM-signed API calls, and signed single-purpose links in the reps' task emails.
    const outcome = fn('Outcome', 'outcome', 'A rep logs an outcome: replied, meeting, won, lost, not now', [
      this.settings.reengageCadence ?? REENGAGE_CADENCE,
    ]);
    outcome.allowSecretValue(props.unsubscribeKey);

    // Shops: events on the stack's own bus, or a signed webhook for shops that cannot put events.
    this.shopBus = new events.EventBus(this, 'ShopBus', {
      description: 'cart.abandoned and order.completed events',
    });
    const shopEvents = fn(
      'ShopEvents',
      'shop-events',
      'cart.abandoned enrolls; order.completed converts and stops',
      [CART_CADENCE],
    );
    keepFailures(shopEvents);
    new events.Rule(this, 'ShopEventsRule', {
      eventBus: this.shopBus,
      eventPattern: { detailType: ['cart.abandoned', 'order.completed'] },
      targets: [
        new targets.LambdaFunction(shopEvents, {
          retryAttempts: 8,
          deadLetterQueue: undelivered(shopEvents, 'eventbridge'),
        }),
      ],
    });
    const shopWebhook = fn('ShopWebhook', 'shop-webhook', 'POST /shop/events: HMAC-signed shop events', [
      CART_CADENCE,
    ]);
    shopWebhook.allowSecretValue(webhookSecret);

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
