// A local stand-in for Google's token endpoint, with an external-account credentials file
// (external-account.ts) pointing at it: google-auth-library exchanges a subject token there, so Vertex
// deployments get a real OAuth flow without reaching any Google host.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExternalAccount } from './external-account.js';

export interface GoogleTokenServer {
  /** Give this as a Vertex deployment's credentialsFile. */
  credentialsFile: string;
  /** The access token every exchange hands out. */
  accessToken: string;
  /** How many token exchanges happened so far. */
  exchanges(): number;
  close(): Promise<void>;
}

export async function startGoogleTokenServer(): Promise<GoogleTokenServer> {
  const accessToken = 'ya29.switchyard-test';
  let exchanges = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      exchanges += 1;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          access_token: accessToken,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-google-token-'));
  const credentialsFile = writeExternalAccount(folder, `http://127.0.0.1:${port}/v1/token`);
  return {
    credentialsFile,
    accessToken,
    exchanges: () => exchanges,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
