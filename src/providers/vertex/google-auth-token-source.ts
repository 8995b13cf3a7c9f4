// The production TokenSource: google-auth-library with the cloud-platform scope, from a
// service-account JSON file when the deployment names one, else from application default credentials
// (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the metadata server on Google Cloud).
// The library is loaded on the first token request, so a gateway without Vertex deployments never loads it.
import type { Clock } from '../../util/clock.js';
import type { AccessToken, TokenSource } from './access-token-cache.js';

export const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * How long a token whose expiry the credential did not report is trusted. Short, because asking
 * the library again is cheap (it caches the token itself) and a wrong guess would mean 401s.
 */
const unknownExpiryLifetimeMs = 5 * 60_000;

interface TokenClient {
  getAccessToken(): Promise<{ token?: string | null }>;
  credentials?: { expiry_date?: number | null };
}

export interface GoogleAuthTokenSourceOptions {
  /** A service-account (or other credential) JSON file; undefined for application default credentials. */
  credentialsFile?: string;
  clock: Clock;
}

export function createGoogleAuthTokenSource(options: GoogleAuthTokenSourceOptions): TokenSource {
  let client: Promise<TokenClient> | undefined;

  async function createClient(): Promise<TokenClient> {
    const { GoogleAuth } = await import('google-auth-library');
    const auth = new GoogleAuth({
      scopes: [cloudPlatformScope],
      ...(options.credentialsFile !== undefined ? { keyFile: options.credentialsFile } : {}),
    });
    return (await auth.getClient()) as unknown as TokenClient;
  }

  return {
    async getToken(): Promise<AccessToken> {
      client ??= createClient();
      let resolved: TokenClient;
      try {
        resolved = await client;
      } catch (error) {
        // A missing file or no ADC yet: the next attempt looks again rather than failing forever.
        client = undefined;
        throw error;
      }
      const { token } = await resolved.getAccessToken();
      if (typeof token !== 'string' || token.length === 0)
        throw new Error('google-auth-library returned no access token');
      const expiry = resolved.credentials?.expiry_date;
      const now = options.clock.now();
      return { token, expiresAt: typeof expiry === 'number' && expiry > now ? expiry : now + unknownExpiryLifetimeMs };
    },
  };
}
