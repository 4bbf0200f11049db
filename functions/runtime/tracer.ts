import { Tracer } from '@aws-lambda-powertools/tracer';

/*
 * X-Ray through Powertools Tracer, where it pays: every AWS SDK call becomes a subsegment (DynamoDB, SES, SNS, Step
 * Functions), so a slow touch shows which call was slow. Off Lambda, or with POWERTOOLS_TRACE_ENABLED=false, it does
 * nothing and hands the clients back untouched.
 */

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'followup' });

/** The client, its calls traced as subsegments when tracing is on. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
