// The production TokenSource against google-auth-library itself, without reaching Google: an
// external_account (workload identity federation) credentials file whose token_url is a local
// server, so the library does its real token exchange on 127.0.0.1. Also a missing file and a
// broken one, which must become auth failures of the deployment.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../canonical/errors.js';
import { systemClock } from '../../util/clock.js';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';
import { vertexGeminiTarget } from '../../../test/fixtures/vertex/load-fixtures.js';
import { AccessTokenCache } from './access-token-cache.js';
import { createVertexAdapter } from './adapter.js';
import { cloudPlatformScope, createGoogleAuthTokenSource } from './google-auth-token-source.js';

let server: Server;
let folder: string;
let credentialsFile: string;
const exchanges: URLSearchParams[] = [];

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    exchanges.push(new URLSearchParams(await readBody(request)));
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        access_token: 'ya29.local-exchange',
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  folder = mkdtempSync(join(tmpdir(), 'switchyard-vertex-auth-'));
  writeFileSync(join(folder, 'subject-token'), 'subject-token-from-the-identity-provider');
  credentialsFile = join(folder, 'external-account.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/switchyard/providers/test',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `http://127.0.0.1:${port}/v1/token`,
      credential_source: { file: join(folder, 'subject-token') },
    }),
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
});

describe('createGoogleAuthTokenSource', () => {
  it('gets a token and its expiry from google-auth-library, asking for the cloud-platform scope', async () => {
    const before = Date.now();
    const token = await createGoogleAuthTokenSource({ credentialsFile, clock: systemClock }).getToken();
    expect(token.token).toBe('ya29.local-exchange');
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
    expect(exchanges.at(-1)?.get('scope')).toBe(cloudPlatformScope);
    expect(exchanges.at(-1)?.get('subject_token')).toBe('subject-token-from-the-identity-provider');
  });

  it('is what the Vertex adapter uses for a deployment with a credentials file, one exchange for many requests', async () => {
    const adapter = createVertexAdapter();
    const before = exchanges.length;
    const target = { ...vertexGeminiTarget, credentialsFile };
    for (let call = 0; call < 3; call++) {
      const wire = await adapter.buildRequest(simpleTextRequest(), target);
      expect(wire.headers.authorization).toBe('Bearer ya29.local-exchange');
    }
    expect(exchanges.length - before).toBe(1);
  });

  it.each([
    ['a missing file', () => join(folder, 'missing.json')],
    [
      'a file that is not a credential',
      () => {
        const path = join(folder, 'broken.json');
        writeFileSync(path, '{"type": "nothing-google-knows"');
        return path;
      },
    ],
  ])('turns %s into an auth failure', async (_name, pathOf) => {
    const cache = new AccessTokenCache(createGoogleAuthTokenSource({ credentialsFile: pathOf(), clock: systemClock }), {
      clock: systemClock,
    });
    const error = await cache.getToken().catch((thrown: unknown) => thrown);
    expect(UpstreamError.isInstance(error) && error.kind).toBe('auth');
  });
});
