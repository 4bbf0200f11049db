import { errorName } from '../../functions/adapters/aws-errors.ts';
import { UsageError } from '../../functions/core/errors.ts';

/*
 * The two things every `--aws` command needs before its first call, the region and credentials, and the one line
 * that says how to set each when it is missing: `followup doctor`, `report`, `touches` share them.
 */

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);

/** The fix for an AWS error that is about the caller's credentials; undefined for any other error. */
export function credentialProblem(error: unknown): UsageError | undefined {
  const name = errorName(error);
  if (!CREDENTIAL_ERRORS.has(name)) return undefined;
  return name === 'CredentialsProviderError' || name === 'TokenProviderError'
    ? new UsageError(
        'no AWS credentials found: run `aws configure` (or `aws sso login --profile NAME` and set AWS_PROFILE=NAME), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      )
    : new UsageError(
        `AWS rejected your credentials (${name}): refresh them (e.g. \`aws sso login\`) and run the command again`,
      );
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** --region, else the region your AWS configuration gives (AWS_REGION, the profile's region). */
export async function resolveRegion(option: string | undefined): Promise<string> {
  const missing = new UsageError(
    'no AWS region: pass --region us-east-1, or set AWS_REGION, or run `aws configure set region us-east-1`',
  );
  if (option !== undefined) {
    if (!REGION.test(option)) {
      throw new UsageError(`--region "${option}" is not an AWS region; use e.g. --region us-east-1`);
    }
    return option;
  }
  // Any client resolves the region the same way; CloudFormation is the one every --aws command asks first.
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({});
  try {
    const region = await client.config.region();
    if (!region) throw missing;
    return region;
  } catch {
    throw missing;
  } finally {
    client.destroy();
  }
}
