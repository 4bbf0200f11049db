import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { defaultProvider as nodeDefaultProvider } from '@aws-sdk/credential-provider-node';

/*
 * What the Lambda bundles get for the SDK's default credential chain (BUNDLE_ALIASES in
 * scripts/lambda-bundle.ts): Lambda puts the role's credentials in the environment, so the chain's SSO, ini-file,
 * process, web-identity and instance-metadata providers would be bundled and loaded for nothing (docs/architecture.md
 * §9). The local runtime and the CLI are not bundled and keep the whole chain.
 */

/** The default chain's signature, answered from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. */
export const defaultProvider: typeof nodeDefaultProvider = (init = {}) => fromEnv(init);
