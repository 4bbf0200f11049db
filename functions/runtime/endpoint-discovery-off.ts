import type {
  EndpointDiscoveryConfigOptions,
  EndpointDiscoveryInputConfig,
  EndpointDiscoveryResolvedConfig,
  NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS as NodeOptions,
  PreviouslyResolved,
} from '@aws-sdk/middleware-endpoint-discovery';

/*
 * What the Lambda bundles get for DynamoDB's endpoint discovery (BUNDLE_ALIASES in scripts/lambda-bundle.ts). The
 * client resolves its discovery settings at construction, with an LRU cache of 1,000 endpoints (mnemonist), but no
 * operation of this SDK adds the discovery middleware, so nothing reads them: ~8 KB bundled for nothing
 * (docs/architecture.md §9). The client imports exactly these two names; were a later SDK to import another (a
 * command's discovery plugin), esbuild would fail the build naming it rather than bundle a silent no-op.
 */

/** Not configured anywhere: the SDK's own default, discovery only where an operation requires it (none does). */
export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS: typeof NodeOptions = {
  environmentVariableSelector: () => undefined,
  configFileSelector: () => undefined,
  default: undefined,
};

/** The client's discovery settings as the SDK resolves them, without the endpoint cache no middleware reads. */
export function resolveEndpointDiscoveryConfig<T>(
  input: T & PreviouslyResolved & EndpointDiscoveryInputConfig,
  { endpointDiscoveryCommandCtor }: EndpointDiscoveryConfigOptions,
): T & Omit<EndpointDiscoveryResolvedConfig, 'endpointCache'> {
  const { endpointDiscoveryEnabled, endpointDiscoveryEnabledProvider } = input;
  return Object.assign(input, {
    endpointDiscoveryCommandCtor,
    endpointDiscoveryEnabled:
      endpointDiscoveryEnabled !== undefined
        ? () => Promise.resolve(endpointDiscoveryEnabled)
        : endpointDiscoveryEnabledProvider,
    isClientEndpointDiscoveryEnabled: endpointDiscoveryEnabled !== undefined,
  });
}
