import type { Tracer } from '@aws-lambda-powertools/tracer';

/*
 * X-Ray through Powertools Tracer, where it pays: every AWS SDK call becomes a subsegment (DynamoDB, SES, SNS, Step
 * Functions), so a slow touch shows which call was slow. The tracer, the X-Ray SDK and cls-hooked (an async hook on
 * every promise) are imported only when tracing is on (docs/architecture.md §9: cold starts).
 */

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Whether Powertools Tracer would trace here, by the variables it reads itself: on Lambda (AWS_EXECUTION_ENV), not
 * under SAM local or the Amplify mock, and not switched off with POWERTOOLS_TRACE_ENABLED=false.
 */
export function tracingEnabled(env: Environment): boolean {
  if (env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() === 'false') return false;
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  return executionEnv !== '' && executionEnv !== 'AWS_Lambda_amplify-mock' && !env.AWS_SAM_LOCAL;
}

/** The function's tracer when tracing is on, else none, and nothing of X-Ray loaded. */
export async function lambdaTracer(serviceName: string, env: Environment): Promise<Tracer | undefined> {
  if (!tracingEnabled(env)) return undefined;
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName });
}

/** The client, its calls traced as subsegments. */
export const traced = <T>(client: T, tracer: Tracer): T => tracer.captureAWSv3Client(client);
