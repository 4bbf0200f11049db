import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Who put the message there, which decides what it holds and how to hand it back:
 * - `lambda`: the function's on-failure destination (it failed on the event after Lambda's retries); the body is an
 *   invocation record whose `requestPayload` is the event.
 * - `eventbridge`: the rule's target dead-letter queue (EventBridge could not invoke the function); the body is the
 *   event.
 * - `sns`: the subscription's dead-letter queue (SNS could not invoke the function); the body is the SNS
 *   notification, whose `Message` is what was published.
 */
export type FailureSource = 'lambda' | 'eventbridge' | 'sns';

export interface FailureQueueProps {
  /** The function whose events this queue keeps. */
  readonly function: lambda.IFunction;
  readonly source: FailureSource;
  /** For an `sns` queue: the topic to publish the message to again. */
  readonly topicArn?: string;
}

/**
 * Where an asynchronously delivered signal (a reply, a bounce, a STOP, a shop event) goes when it could not be
 * handled, so it waits for a fix instead of being dropped. Encrypted by SQS (SSE-SQS: EventBridge and SNS can
 * deliver to it without a KMS key policy), TLS only, kept 14 days. Observability alarms on any message in it, with
 * `description` as the instructions.
 */
export class FailureQueue extends Construct {
  readonly queue: sqs.Queue;
  /** What the alarm tells the owner: which function, what happened, how to hand the events back. */
  readonly description: string;
  readonly functionLabel: string;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    this.functionLabel = props.function.node.id;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of a function or its trigger; nothing consumes it but the owner redriving.',
    });
    this.description = describe(props, this.functionLabel, this.queue.queueUrl);
  }

  /** The Lambda async on-failure destination on this queue, with only the one permission Lambda uses. */
  asDestination(): lambda.IDestination {
    const queue = this.queue;
    return {
      bind: (_scope, fn) => {
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
        );
        return { destination: queue.queueArn };
      },
    };
  }
}

function describe(props: FailureQueueProps, label: string, queueUrl: string): string {
  const fn = props.function.functionName;
  const after = 'Fix the cause (the function log group), then for each message';
  switch (props.source) {
    case 'lambda':
      return `${label} failed on an event after Lambda's retries; it waits in ${queueUrl}. ${after}: aws lambda invoke --function-name ${fn} --invocation-type Event --cli-binary-format raw-in-base64-out --payload "$(jq -c .requestPayload <body>)" out.json, then delete the message.`;
    case 'eventbridge':
      return `EventBridge could not invoke ${label} (throttled, denied or missing); the event waits in ${queueUrl}. ${after}: aws lambda invoke --function-name ${fn} --invocation-type Event --cli-binary-format raw-in-base64-out --payload <body> out.json, then delete the message.`;
    case 'sns':
      return `SNS could not invoke ${label} (throttled, denied or missing); the text waits in ${queueUrl}. ${after}: aws sns publish --topic-arn ${props.topicArn ?? '<topic>'} --message "$(jq -r .Message <body>)", then delete the message.`;
  }
}
