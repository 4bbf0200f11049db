/*
 * What a simulated run would cost on AWS: the list prices, what each Lambda invocation is assumed to use, and the
 * bill for the counts a run made (docs/architecture.md §6).
 */

/**
 * us-east-1 list prices in USD, as published on the AWS pricing pages (aws.amazon.com/<service>/pricing) in 2025:
 * Step Functions Standard ($0.025 per 1,000 transitions, unchanged since 2016); Lambda arm64 ($0.20 per 1M
 * requests, $0.0000133334 per GB-second, since 2021-09); DynamoDB on-demand after the 2024-11-01 reduction
 * ($0.625 per million write and $0.125 per million read request units); SES outbound ($0.10 per 1,000); SNS SMS to
 * US numbers ≈ $0.00883 a text, carrier fees excluded.
 */
export const PRICES_USD = {
  stepFunctionsTransition: 0.000025,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecondArm64: 0.0000133334,
  dynamodbWriteRequestUnit: 0.625 / 1_000_000,
  dynamodbReadRequestUnit: 0.125 / 1_000_000,
  sesEmail: 0.1 / 1_000,
  smsUs: 0.00883,
} as const;

/** What each Lambda invocation is assumed to use: the local runtime measures no memory or billed duration. */
export const LAMBDA_ASSUMPTION = { memoryMb: 512, durationMs: 100 } as const;

/** The counts AWS bills for. */
export interface Usage {
  readonly transitions: number;
  readonly lambdaInvocations: number;
  readonly dynamodb: { readonly reads: number; readonly writes: number };
  readonly emails: number;
  readonly texts: number;
}

export interface CostBreakdown {
  readonly stepFunctions: number;
  readonly lambdaRequests: number;
  readonly lambdaCompute: number;
  readonly dynamodbWrites: number;
  readonly dynamodbReads: number;
  readonly sesEmails: number;
  readonly sms: number;
}

/** USD rounded to millionths. */
export const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** The bill for `usage` at PRICES_USD, in USD rounded to millionths. */
export function costOf(usage: Usage): { breakdown: CostBreakdown; total: number } {
  const gbSeconds =
    usage.lambdaInvocations * (LAMBDA_ASSUMPTION.memoryMb / 1024) * (LAMBDA_ASSUMPTION.durationMs / 1000);
  const raw: CostBreakdown = {
    stepFunctions: usage.transitions * PRICES_USD.stepFunctionsTransition,
    lambdaRequests: usage.lambdaInvocations * PRICES_USD.lambdaRequest,
    lambdaCompute: gbSeconds * PRICES_USD.lambdaGbSecondArm64,
    dynamodbWrites: usage.dynamodb.writes * PRICES_USD.dynamodbWriteRequestUnit,
    dynamodbReads: usage.dynamodb.reads * PRICES_USD.dynamodbReadRequestUnit,
    sesEmails: usage.emails * PRICES_USD.sesEmail,
    sms: usage.texts * PRICES_USD.smsUs,
  };
  // Rounded once, from the unrounded parts: the total is not the sum of the rounded lines.
  const total = Object.values(raw).reduce((sum, usd) => sum + usd, 0);
  const breakdown: CostBreakdown = {
    stepFunctions: round6(raw.stepFunctions),
    lambdaRequests: round6(raw.lambdaRequests),
    lambdaCompute: round6(raw.lambdaCompute),
    dynamodbWrites: round6(raw.dynamodbWrites),
    dynamodbReads: round6(raw.dynamodbReads),
    sesEmails: round6(raw.sesEmails),
    sms: round6(raw.sms),
  };
  return { breakdown, total: round6(total) };
}
