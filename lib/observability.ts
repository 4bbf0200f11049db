import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CHANNELS } from '../functions/core/cadence-schema.ts';
import { METRIC_NAMESPACE } from '../functions/domain/metrics.ts';
import type { MetricName } from '../functions/domain/report-ports.ts';
import { SERVICE_NAME } from '../functions/runtime/settings.ts';
import type { CadenceStateMachine } from './cadence-state-machine.ts';
import type { FailureQueue } from './failure-queue.ts';
import type { FollowupFunction } from './followup-function.ts';

/** SES reviews an account at a 5% bounce rate and a 0.1% complaint rate: warn the owner before it gets there. */
export const SES_BOUNCE_RATE_ALARM = 0.04;
export const SES_COMPLAINT_RATE_ALARM = 0.0008;
/** An unsubscribe spike must also be at least this many in an hour: a quiet list's 2 instead of 0 is not news. */
export const UNSUBSCRIBE_SPIKE_FLOOR = 5;

export interface ObservabilityProps {
  /** Where every alarm goes: the topic that emails the owner. */
  readonly alarmTopic: sns.ITopic;
  readonly functions: readonly FollowupFunction[];
  readonly machines: readonly CadenceStateMachine[];
  readonly table: dynamodb.ITableV2;
  /** The queues that keep the events asynchronously invoked functions could not handle. */
  readonly failureQueues?: readonly FailureQueue[];
}

/**
 * What the owner watches and is told about (docs/architecture.md §8.11): a CloudWatch dashboard of the business
 * metrics the functions emit (EMF) beside the engine's health, and alarms to the owner's email for failed
 * executions, function errors, the SES reputation and an unusual spike in unsubscribes.
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm that notifies the owner. */
  readonly alarms: cloudwatch.AlarmBase[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.alarmTopic);
    const alarm = <T extends cloudwatch.AlarmBase>(created: T): T => {
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const fn of props.functions) {
      const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' });
      // The Touch throws SendingCapacity to wait for the governor (§8.12): a Lambda error, but not a failure.
      const failures =
        fn.node.id === 'Touch'
          ? new cloudwatch.MathExpression({
              expression: 'errors - FILL(waits, 0)',
              usingMetrics: { errors, waits: business('SendingWaits', Duration.minutes(5)) },
              period: Duration.minutes(5),
              label: 'Touch errors, waits for sending capacity left out',
            })
          : errors;
      alarm(
        failures.createAlarm(this, `${fn.node.id}Errors`, {
          alarmDescription: `The ${fn.node.id} function failed; see its log group`,
          threshold: 1,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const machine of props.machines) {
      alarm(
        executions(machine, 'ExecutionsFailed').createAlarm(this, `${machine.node.id}Failed`, {
          alarmDescription: `An execution of ${machine.node.id} failed: fix the cause, then redrive it from the console`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      // A Standard execution ends at one year: a lead whose schedule (or snooze) ran past it gets nothing more.
      alarm(
        executions(machine, 'ExecutionsTimedOut').createAlarm(this, `${machine.node.id}TimedOut`, {
          alarmDescription: `An execution of ${machine.node.id} reached the one-year limit of a Standard execution and stopped: its lead gets no more touches. Find it in the console (status Timed out) and enroll the lead again`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const failureQueues = props.failureQueues ?? [];
    for (const failures of failureQueues) {
      alarm(
        failures.queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
          .createAlarm(this, `${failures.node.id}Waiting`, {
            alarmDescription: failures.description,
            threshold: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    const bounceRate = sesReputation('Reputation.BounceRate');
    const complaintRate = sesReputation('Reputation.ComplaintRate');
    // SES publishes the rates only while the account sends: no data keeps the last state rather than clearing it.
    alarm(
      bounceRate.createAlarm(this, 'SesBounceRate', {
        alarmDescription: `The SES bounce rate is over ${SES_BOUNCE_RATE_ALARM * 100}% (SES reviews the account at 5%): check the lead sources and the suppression list`,
        threshold: SES_BOUNCE_RATE_ALARM,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      }),
    );
    alarm(
      complaintRate.createAlarm(this, 'SesComplaintRate', {
        alarmDescription: `The SES complaint rate is over ${SES_COMPLAINT_RATE_ALARM * 100}% (SES reviews the account at 0.1%): check who is enrolled and the wording of recent touches`,
        threshold: SES_COMPLAINT_RATE_ALARM,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      }),
    );

    // The governor stopped marketing sends on its own (§8.12): nothing more goes out until someone looks and resumes.
    alarm(
      business('SendingPaused', Duration.minutes(5)).createAlarm(this, 'SendingPaused', {
        alarmDescription:
          'Marketing emails are paused: the bounce or complaint rate over the last sends reached its threshold. Look at the bounces and complaints, fix the list or the wording, then run `npx followup sending resume --aws`',
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // Unusual for this list (above the anomaly band learned from its history) and more than a handful: both, or a
    // quiet list would page its owner for two unsubscribes.
    const unsubscribes = business('Unsubscribes', Duration.hours(1));
    const unusual = new cloudwatch.AnomalyDetectionAlarm(this, 'UnsubscribesUnusual', {
      metric: unsubscribes,
      stdDevs: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Unsubscribes in the hour are above the band expected from history (feeds UnsubscribeSpike)',
    });
    const many = unsubscribes.createAlarm(this, 'UnsubscribesMany', {
      threshold: UNSUBSCRIBE_SPIKE_FLOOR,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `At least ${UNSUBSCRIBE_SPIKE_FLOOR} unsubscribes in the hour (feeds UnsubscribeSpike)`,
    });
    alarm(
      new cloudwatch.CompositeAlarm(this, 'UnsubscribeSpike', {
        alarmDescription:
          'An unusual spike in unsubscribes: look at the last touches that went out (wording, audience) and pause the cadence if one is to blame',
        alarmRule: cloudwatch.AlarmRule.allOf(
          cloudwatch.AlarmRule.fromAlarm(unusual, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.fromAlarm(many, cloudwatch.AlarmState.ALARM),
        ),
      }),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: [
          '# Followup',
          'What the cadences send and how leads answer (business metrics from the functions), then the engine’s health.',
          'Response rate by touch number, conversion and revenue recovered per cadence: `npx followup report --aws`.',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    const hourly = Duration.hours(1);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Touches sent, by channel',
        left: CHANNELS.map((channel) =>
          business('TouchesSent', hourly, { channel }).with({ label: channel }),
        ),
        stacked: true,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Leads answering',
        left: [
          business('Replies', hourly).with({ label: 'replies (first answers)' }),
          business('Meetings', hourly).with({ label: 'meetings booked' }),
          business('Conversions', hourly).with({ label: 'deals won' }),
        ],
        width: 8,
      }),
      new cloudwatch.SingleValueWidget({
        title: 'Deals and revenue recovered, last 7 days',
        metrics: [
          business('Conversions', Duration.days(7)).with({ label: 'deals won' }),
          business('RevenueRecovered', Duration.days(7)).with({ label: 'revenue won after the 2nd+ touch' }),
        ],
        setPeriodToTimeRange: true,
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Touches not sent',
        left: [
          business('Skipped', hourly).with({ label: 'skipped (consent, quiet hours, cap, suppressed)' }),
          business('TouchFailures', hourly).with({ label: 'failed for good' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Opt-outs, bounces, complaints',
        left: [
          business('Unsubscribes', hourly).with({ label: 'unsubscribes (email and SMS STOP)' }),
          business('Bounces', hourly).with({ label: 'hard bounces' }),
          business('Complaints', hourly).with({ label: 'complaints' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation (account)',
        left: [bounceRate.with({ label: 'bounce rate' })],
        right: [complaintRate.with({ label: 'complaint rate' })],
        leftAnnotations: [
          { value: SES_BOUNCE_RATE_ALARM, label: 'bounce alarm', color: cloudwatch.Color.RED },
        ],
        rightAnnotations: [
          { value: SES_COMPLAINT_RATE_ALARM, label: 'complaint alarm', color: cloudwatch.Color.ORANGE },
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Cadence executions failed or timed out',
        left: props.machines.flatMap((m) => [
          m.stateMachine.metricFailed({ period: hourly, statistic: 'Sum', label: `${m.node.id} failed` }),
          m.stateMachine.metricTimedOut({
            period: hourly,
            statistic: 'Sum',
            label: `${m.node.id} timed out`,
          }),
        ]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: props.functions.map((fn) =>
          fn.metricErrors({ period: hourly, statistic: 'Sum', label: fn.node.id }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Table requests',
        left: [
          props.table.metricConsumedReadCapacityUnits({ period: hourly, label: 'read units' }),
          props.table.metricConsumedWriteCapacityUnits({ period: hourly, label: 'write units' }),
        ],
        width: 8,
      }),
    );
    if (failureQueues.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Signals waiting to be redriven (replies, SES events, texts, shop events)',
          left: failureQueues.map((f) =>
            f.queue.metricApproximateNumberOfMessagesVisible({
              period: hourly,
              statistic: 'Maximum',
              label: f.node.id,
            }),
          ),
          width: 24,
        }),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
  }
}

/** A business metric the functions emit (Powertools EMF, namespace Followup, dimension service). */
function business(
  name: MetricName,
  period: Duration,
  dimensions: Record<string, string> = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME, ...dimensions },
    statistic: 'Sum',
    period,
  });
}

/** An SES account reputation rate (a ratio, 0.04 is 4%), as SES publishes it about hourly. */
function sesReputation(name: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName: name,
    statistic: 'Maximum',
    period: Duration.hours(1),
  });
}

/**
 * An execution metric of a cadence, counted whether Step Functions reports executions started through the `live`
 * alias under the state machine's ARN or under the alias's (its guide does not say): the sum of both.
 */
function executions(machine: CadenceStateMachine, metricName: string): cloudwatch.MathExpression {
  const of = (arn: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/States',
      metricName,
      dimensionsMap: { StateMachineArn: arn },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
  return new cloudwatch.MathExpression({
    expression: 'FILL(machine, 0) + FILL(alias, 0)',
    usingMetrics: { machine: of(machine.stateMachine.stateMachineArn), alias: of(machine.alias.ref) },
    label: metricName,
    period: Duration.minutes(5),
  });
}
