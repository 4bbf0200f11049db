import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../functions/domain/metrics.ts';
import { environmentFor } from '../functions/runtime/env.ts';
import { SERVICE_NAME, type Settings } from '../functions/runtime/settings.ts';
import { FollowupFunction } from './followup-function.ts';

/** How often the sweeper looks for enrollments whose start is due again. */
export const SWEEP_EVERY = Duration.minutes(5);

/**
 * The table actions a sweep uses: read the markers (Query), the enrollment, the lead and the touch; move or drop
 * markers; mark an old claim unconfirmed and list it. autoPromote's job needs no more: it reads the counters (Query)
 * and a step's promotion (GetItem) and records one (PutItem, conditional), docs/architecture.md §2.4.
 */
const TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] as const;

export interface EnrollmentSweeperProps {
  readonly tableArn: string;
  /** The functions' settings: the sweeper reads the table, ARN template, cadences and zone. */
  readonly settings: Settings;
  /** Every cadence: a failed start of any of them may be retried. */
  readonly cadenceIds: readonly string[];
  /** states:StartExecution on the live aliases of these cadences, built as for the other enrolling functions. */
  readonly startExecutions: (cadenceIds: readonly string[]) => iam.PolicyStatement;
  /** Where the alarm goes: the topic that emails the owner. */
  readonly alarmTopic: sns.ITopic;
  /** What ses:SendEmail is authorized against: an SLA escalation is an email from the sender. */
  readonly senderIdentityArns: readonly string[];
}

/** How often the reps' SLA deadlines are looked at: an escalation goes out within a minute or two of its deadline. */
export const SLA_SWEEP_EVERY = Duration.minutes(1);

/**
 * No enrollment is left pending: every 5 minutes a function retries the starts that failed, with backoff, and the
 * owner is told (EnrollmentsStuck) about any that cannot start, which the dashboard lists with the reason. The same
 * sweep gives up touch claims that never finished as unconfirmed, and the owner is told (TouchesUnconfirmed).
 */
export class EnrollmentSweeper extends Construct {
  readonly function: FollowupFunction;
  readonly schedule: events.Rule;
  readonly stuckAlarm: cloudwatch.Alarm;
  readonly unconfirmedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EnrollmentSweeperProps) {
    super(scope, id);
    this.function = new FollowupFunction(this, 'EnrollmentSweeper', {
      handler: 'enrollment-sweeper',
      description:
        "Every 5 minutes: starts the enrollments whose StartExecution failed, with backoff; flags touch claims that never finished; records autoPromote's winners",
      environment: environmentFor('EnrollmentSweeper', props.settings),
      // Well inside the schedule: a sweep never overlaps the next.
      timeout: Duration.minutes(2),
    });
    this.function.allowTable(props.tableArn, TABLE_ACTIONS);
    this.function.addToRolePolicy(props.startExecutions(props.cadenceIds));

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs the enrollment sweeper',
      schedule: events.Schedule.rate(SWEEP_EVERY),
      // A missed or failed sweep leaves every marker due: the next tick is its retry, so nothing is kept.
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    // Only with `owners`: without reps there are no deadlines, so no rule, no send grant.
    if (props.settings.reps?.length) {
      new events.Rule(this, 'SlaSchedule', {
        description: "Escalates reps' tasks not done within their SLA",
        schedule: events.Schedule.rate(SLA_SWEEP_EVERY),
        targets: [
          new targets.LambdaFunction(this.function, {
            retryAttempts: 0,
            event: events.RuleTargetInput.fromObject({ sweep: 'sla' }),
          }),
        ],
      });
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [...props.senderIdentityArns] }),
      );
      if (props.settings.smsOriginationNumber) {
        this.function.allowSmsOnly();
        Validations.of(this.function).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'SNS Publish to a phone number (the SLA text to a rep) has no resource ARN; topics are denied.',
        });
      }
    }

    this.stuckAlarm = new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: 'EnrollmentsStuck',
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: SWEEP_EVERY,
    }).createAlarm(this, 'EnrollmentsStuck', {
      alarmDescription:
        'An enrollment could not be started (access denied, a missing state machine, or many failures): its lead gets no follow-up. The EnrollmentSweeper log names it (enrollment-stuck: lead id, cadence, reason); fix the cause, then post or import the lead again to start it',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.stuckAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    // Counted by the touch function (a send whose answer was lost, a retry finding an old claim) and by this sweep.
    this.unconfirmedAlarm = new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: 'TouchesUnconfirmed',
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: SWEEP_EVERY,
    }).createAlarm(this, 'TouchesUnconfirmed', {
      alarmDescription:
        "A touch may or may not have gone out (the function stopped between claiming and sending, or the provider's answer was lost); it is never sent again on its own. Run `followup touches unconfirmed` (or see the dashboard), check with the lead or the provider that it was not delivered, then `followup touches redrive ID`",
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.unconfirmedAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}
