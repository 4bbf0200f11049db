import {
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import type { FollowupConfig } from '../functions/core/config.ts';
import { environmentFor } from '../functions/runtime/env.ts';
import { CadenceStateMachine, LIVE_ALIAS } from './cadence-state-machine.ts';
import { EnrollmentSweeper } from './enrollment-sweeper.ts';
import { BUNDLED_CADENCES_DIR, BUNDLED_TEMPLATES_DIR, FollowupFunction } from './followup-function.ts';
import { Observability } from './observability.ts';
import { Signals } from './signals.ts';

export interface FollowupStackProps extends StackProps {
  readonly config: FollowupConfig;
  readonly cadences: readonly Cadence[];
}

/** A touch reads and writes its lead's items; it never lists them. */
const TOUCH_TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] as const;
/** What a function that enrolls leads does on the table (functions/domain/enroll.ts). */
const ENROLL_TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] as const;

/** The whole engine in the user's account: table, functions, one state machine per cadence, API, SES, alarms. */
export class FollowupStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly machines: ReadonlyMap<string, CadenceStateMachine>;
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: FollowupStackProps) {
    super(scope, id, props);
    const { config, cadences } = props;

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const unsubscribeKey = new secrets.Secret(this, 'UnsubscribeKey', {
      description: 'HMAC key that signs unsubscribe and reply tokens in every email',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(unsubscribeKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating this key would break the unsubscribe links in emails already sent, which must keep working.',
    });

    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // SES publishes bounce, complaint, delivery, open and click events to the default bus (only that bus).
    configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ),
      events: [
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.OPEN,
        ses.EmailSendingEvent.CLICK,
      ],
    });
    if (config.sender.createIdentity) {
      const identity = new ses.EmailIdentity(this, 'SenderIdentity', {
        identity: config.sender.identity.includes('@')
          ? ses.Identity.email(config.sender.identity)
          : ses.Identity.domain(config.sender.identity),
        configurationSet,
      });
      identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}` });
      });
    }

    const machineName = (cadenceId: string) => `${this.stackName}-${cadenceId}`;
    // Built from names, not references: the functions and the machines would otherwise depend on each other.
    const machineArn = (cadenceId: string, qualifier?: string) =>
      this.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: qualifier ? `${machineName(cadenceId)}:${qualifier}` : machineName(cadenceId),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    // Functions start executions on the alias, so new leads get the published version.
    const aliasArn = (cadenceId: string) => machineArn(cadenceId, LIVE_ALIAS);
    // Step Functions authorizes a start through an alias on the unqualified state machine ARN, and names the alias
    // in states:StateMachineQualifier: allow that alias only, never the unpublished latest revision.
    const startExecutions = (cadenceIds: readonly string[]) =>
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: cadenceIds.map((id) => machineArn(id)),
        conditions: { StringEquals: { 'states:StateMachineQualifier': LIVE_ALIAS } },
      });

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Followup public endpoints: the signup form post',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: config.allowedOrigins,
        allowMethods: [apigw.CorsHttpMethod.POST],
        allowHeaders: ['content-type', 'accept'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    const apiUrl = `https://${this.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;

    // SES authorizes a send against the From address's own identity when that address is verified, else against
    // its domain's: grant both, so verifying the address later does not stop every send.
    const identityArn = (identity: string) =>
      this.formatArn({
        service: 'ses',
        resource: 'identity',
        resourceName: identity.includes('@') ? identity : identity.toLowerCase(),
      });
    const senderIdentityArns = [
      ...new Set([identityArn(config.sender.identity), identityArn(config.sender.email)]),
    ];
    // Signals makes the reply bucket and the webhook secret, so it completes the functions' settings: the config
    // file and what this stack names (docs/architecture.md §1.1).
    const signals = new Signals(this, 'Signals', {
      config,
      outputs: {
        tableName: this.table.tableName,
        stateMachineArnTemplate: aliasArn('{cadence}'),
        cadencesDir: BUNDLED_CADENCES_DIR,
        templatesDir: BUNDLED_TEMPLATES_DIR,
        unsubscribeSecretArn: unsubscribeKey.secretArn,
        configurationSet: configurationSet.configurationSetName,
        apiUrl,
      },
      cadences,
      tableArn: this.table.tableArn,
      api: this.api,
      unsubscribeKey,
      senderIdentityArns,
      configurationSetName: configurationSet.configurationSetName,
      machineName,
      startExecutions,
    });
    const { settings } = signals;

    const intake = new FollowupFunction(this, 'Intake', {
      handler: 'intake',
      description: 'POST /leads: validates a signup and enrolls the lead in its cadence',
      environment: environmentFor('Intake', settings),
    });
    // DeleteItem: an enrollment that started takes its due-retry marker away. BatchWriteItem: a signup's events and
    // markers, which need no condition, go in one request (functions/domain/enroll-writes.ts).
    intake.allowTable(this.table.tableArn, ENROLL_TABLE_ACTIONS);
    // A form may only start the cadences the configuration offers it.
    intake.addToRolePolicy(startExecutions(config.formCadences));
    const leadsRoute = this.api.addRoutes({
      path: '/leads',
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('IntakeIntegration', intake),
    });
    for (const route of leadsRoute) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The signup form is public by design; it is throttled, size-limited, honeypotted and CORS-restricted.',
      });
    }

    const touch = new FollowupFunction(this, 'Touch', {
      handler: 'touch',
      description:
        'One touch of a cadence: checks the lead, claims the touch, sends email / SMS or creates a call task',
      environment: environmentFor('Touch', settings),
    });
    touch.allowTable(this.table.tableArn, TOUCH_TABLE_ACTIONS);
    touch.allowSecretValue(unsubscribeKey);
    touch.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          ...senderIdentityArns,
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        ],
      }),
    );
    touch.allowSmsOnly();
    // "ratePerSecond": "account": the governor reads the account's SendQuota with GetAccount (docs/architecture.md §8.12).
    const readsAccount = config.sending && typeof config.sending.ratePerSecond !== 'number';
    if (readsAccount) {
      touch.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    }
    Validations.of(touch).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `SNS Publish to a phone number (SMS) has no resource ARN; topics are not used for sends.${readsAccount ? ' ses:GetAccount has no resource type in the Service Authorization Reference, so it can only be granted on "*".' : ''}`,
    });

    const complete = new FollowupFunction(this, 'Complete', {
      handler: 'complete',
      description: 'End of a cadence: moves a silent lead to nurture and starts the next cadence',
      environment: environmentFor('Complete', settings),
    });
    // Query: the lead's other slots; BatchWriteItem: enrolling the lead in `then`.
    complete.allowTable(this.table.tableArn, [...ENROLL_TABLE_ACTIONS, 'Query']);
    // A cadence's `then` may name any cadence.
    complete.addToRolePolicy(startExecutions(cadences.map((c) => c.id)));

    const machines = new Map<string, CadenceStateMachine>();
    for (const cadence of cadences) {
      machines.set(
        cadence.id,
        new CadenceStateMachine(this, `Cadence-${cadence.id}`, {
          cadence,
          stateMachineName: machineName(cadence.id),
          touchFunction: touch,
          completeFunction: complete,
        }),
      );
    }
    this.machines = machines;

    const alarmTopic = this.alarmTopic(config);
    const startRetries = new EnrollmentSweeper(this, 'StartRetries', {
      tableArn: this.table.tableArn,
      settings,
      cadenceIds: cadences.map((c) => c.id),
      startExecutions,
      alarmTopic,
      senderIdentityArns,
    });

    const observability = new Observability(this, 'Observability', {
      alarmTopic,
      functions: [intake, touch, complete, ...signals.functions, startRetries.function],
      machines: [...machines.values()],
      failureQueues: signals.failureQueues,
      table: this.table,
    });

    new CfnOutput(this, 'LeadsEndpoint', {
      value: `${apiUrl}/leads`,
      description: 'Point your signup form here',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'TouchFunctionName', {
      value: touch.functionName,
      description: '`followup touches redrive ID --aws` invokes it, so a redrive sends as the cadences do',
    });
    // Only one receipt rule set is active per region: activating this one switches off any other.
    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: signals.receiptRuleSetName,
      description: config.replies.activateRuleSet
        ? 'Active: the deploy made it the region’s one active receipt rule set (any other is now off); destroy deactivates it'
        : 'Not active yet (activating switches off any other rule set in the region): aws ses set-active-receipt-rule-set --rule-set-name <this>',
    });
    new CfnOutput(this, 'SmsInboundTopicArn', {
      value: signals.smsInboundTopic.topicArn,
      description: 'Set as the two-way SMS destination of your origination number',
    });
    new CfnOutput(this, 'ShopEventBusName', { value: signals.shopBus.eventBusName });
    new CfnOutput(this, 'ShopWebhookUrl', { value: `${apiUrl}/shop/events` });
    new CfnOutput(this, 'ConfigurationSetName', { value: configurationSet.configurationSetName });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${observability.dashboard.dashboardName}`,
      description: 'The CloudWatch dashboard: what the cadences send, how leads answer, the engine’s health',
    });
  }

  /** The topic every alarm goes to, encrypted, emailing the owner (who confirms the subscription once). */
  private alarmTopic(config: FollowupConfig): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts Followup alarm notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Followup alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addSubscription(new subscriptions.EmailSubscription(config.owner.email));
    return topic;
  }
}
