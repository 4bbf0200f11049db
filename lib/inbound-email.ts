import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { environmentFor } from '../functions/runtime/env.ts';
import type { Settings } from '../functions/runtime/settings.ts';
import { FollowupFunction } from './followup-function.ts';

export interface MailParserProps {
  readonly settings: Settings;
  /** The reply reader it hands each parsed reply to (ReadReply). */
  readonly reader: FollowupFunction;
  /** The receipt rule's bucket, and the prefix its S3 action stores mail under. */
  readonly bucket: s3.Bucket;
  readonly prefix: string;
}

/**
 * The mail parser (InboundEmail): the receipt rule's Lambda action. It opens untrusted MIME, so its role may read
 * the stored mail and invoke the reader, and nothing else: no table, no executions, no secret, no SES. A message
 * that exploits the parser reaches only those two (docs/architecture.md §4.1, §8.9).
 */
export function mailParser(scope: Construct, props: MailParserProps): FollowupFunction {
  const stack = Stack.of(scope);
  const parser = new FollowupFunction(stack, 'InboundEmail', {
    handler: 'inbound-email',
    description: 'A received email: parses the stored MIME and hands the reply to ReadReply',
    // It waits for the reader, which may run its own 60 s: longer, so the reader's error is the one that surfaces.
    timeout: Duration.seconds(90),
    environment: environmentFor('InboundEmail', {
      ...props.settings,
      readReplyFunction: props.reader.functionName,
    }),
  });
  parser.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [props.bucket.arnForObjects(`${props.prefix}*`)],
    }),
  );
  // The function's own ARN: an unqualified Invoke needs no more (grantInvoke would add every version and alias).
  parser.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.reader.functionArn] }),
  );
  const bucketId = stack.resolve(stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket));
  Validations.of(parser.role as iam.IRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${props.prefix}*]`,
    reason: 'Replies are stored under inbound/ by SES message id; the function reads whichever one arrived.',
  });
  return parser;
}
