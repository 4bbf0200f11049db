import { Tracer } from '@aws-lambda-powertools/tracer';

/*
 * X-Ray through Powertools Tracer, where it pays: every AWS SDK call becomes a subsegment (DynamoDB, SES, SNS, Step
 * Functions), so a slow touch shows which call was slow. Off Lambda, or with POWERTOOLS_TRACE_ENABLED=false, it does
 * nothing and hands the clients back untouched.
 */

export const createTracer = (serviceName: string): Tracer => new Tracer({ serviceName });

/** The client, its calls traced as subsegments when tracing is on. */
export const traced = <T>(client: T, tracer: Tracer): T => tracer.captureAWSv3Client(client);
