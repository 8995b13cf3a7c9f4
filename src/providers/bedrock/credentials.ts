// AWS credentials for SigV4 (docs/protocols/bedrock.md §3.1): the standard Node credential chain of the
// AWS SDK (environment, shared config and credentials files with the deployment's profile, SSO, web
// identity, process, container and instance metadata). The chain's provider memoizes what it
// resolves and refreshes temporary credentials before they expire, so one provider is kept per
// profile. Tests inject a provider and never touch the real environment or metadata endpoints.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UpstreamError } from '../../canonical/errors.js';

export type { AwsCredentialIdentity, AwsCredentialIdentityProvider };

/** Finds the provider for a deployment's profile (undefined: the chain's own default profile). */
export type CredentialSource = (profile: string | undefined) => AwsCredentialIdentityProvider;

/** The credential providers are loaded on first use, so a gateway without Bedrock never pays for them. */
function chainProvider(profile: string | undefined): AwsCredentialIdentityProvider {
  let loaded: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    loaded ??= import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) =>
      fromNodeProviderChain(profile === undefined ? {} : { profile }),
    );
    const provider = await loaded;
    return provider();
  };
}

export function createCredentialSource(injected?: AwsCredentialIdentityProvider): CredentialSource {
  if (injected !== undefined) return () => injected;
  const providers = new Map<string, AwsCredentialIdentityProvider>();
  return (profile) => {
    const key = profile ?? '';
    let provider = providers.get(key);
    if (provider === undefined) {
      provider = chainProvider(profile);
      providers.set(key, provider);
    }
    return provider;
  };
}

/**
 * Resolves credentials for one request. A chain that finds nothing is this deployment's problem
 * (auth: eject it, fail over). The SDK's messages name providers and files, never secrets.
 */
export async function resolveCredentials(
  provider: AwsCredentialIdentityProvider,
  deploymentId: string,
): Promise<AwsCredentialIdentity> {
  try {
    return await provider();
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
    throw new UpstreamError({
      kind: 'auth',
      providerCode: 'credentials_unavailable',
      message: `bedrock deployment ${deploymentId}: could not load AWS credentials (${detail})`,
      cause: error,
    });
  }
}
