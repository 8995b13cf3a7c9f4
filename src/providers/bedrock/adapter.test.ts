// The wire request as a whole: URL (model id percent-encoded, operation per API and streaming),
// headers, SigV4 signatures checked by re-signing independently with the AWS SDK's signer, bearer
// mode, injected credentials, and which parser a 2xx body goes to.
import { describe, expect, it } from 'vitest';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { UpstreamError } from '../../canonical/errors.js';
import type { DeploymentTarget, WireRequest } from '../adapter.js';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { ManualClock } from '../../../test/support/manual-clock.js';
import {
  bedrockFixtureJson,
  testCredentials,
  testSessionCredentials,
} from '../../../test/fixtures/bedrock/load-fixtures.js';
import { createBedrockAdapter } from './adapter.js';
import { createCredentialSource, type AwsCredentialIdentity } from './credentials.js';

const signingTime = Date.UTC(2026, 9, 21, 12, 30, 45);

const claudeTarget: DeploymentTarget = {
  id: 'bedrock-claude-east',
  provider: 'bedrock',
  model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  baseUrl: '',
  region: 'us-east-1',
  headers: {},
};

const novaTarget: DeploymentTarget = { ...claudeTarget, id: 'bedrock-nova', model: 'us.amazon.nova-pro-v1:0' };

function adapterWith(credentials: AwsCredentialIdentity = testCredentials, environment: Record<string, string> = {}) {
  let calls = 0;
  const adapter = createBedrockAdapter({
    environment,
    credentials: async () => {
      calls++;
      return credentials;
    },
    clock: new ManualClock(signingTime),
  });
  return { adapter, calls: () => calls };
}

/** What a server does: rebuild the request it received and sign it again with the same secret. */
async function resign(wire: WireRequest, credentials: AwsCredentialIdentity, region: string): Promise<string> {
  const url = new URL(wire.url);
  const headers = { ...wire.headers };
  const received = headers.authorization;
  // What the signer adds itself is left out, so the payload hash is computed from the body received.
  for (const name of ['authorization', 'x-amz-date', 'x-amz-content-sha256']) delete headers[name];
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(received ?? '')?.[1]?.split(';') ?? [];
  const amzDate = wire.headers['x-amz-date'] ?? '';
  const signingDate = new Date(
    Date.UTC(
      +amzDate.slice(0, 4),
      +amzDate.slice(4, 6) - 1,
      +amzDate.slice(6, 8),
      +amzDate.slice(9, 11),
      +amzDate.slice(11, 13),
      +amzDate.slice(13, 15),
    ),
  );
  const request = new HttpRequest({
    method: wire.method,
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => signedHeaders.includes(name))),
    body: wire.body,
  });
  const signer = new SignatureV4({ service: 'bedrock', region, credentials, sha256: Sha256 });
  const signed = await signer.sign(request, { signingDate });
  return String(signed.headers.authorization);
}

describe('bedrock URLs and API choice', () => {
  it('calls InvokeModel for Claude, with the model id percent-encoded', async () => {
    const { adapter } = adapterWith();
    const wire = await adapter.buildRequest(simpleTextRequest(), claudeTarget);
    expect(wire.url).toBe(
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke',
    );
    expect(wire.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(wire.body ?? '{}')).toMatchObject({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 256 });
  });

  it('asks InvokeModelWithResponseStream for an event stream of JSON chunks', async () => {
    const { adapter } = adapterWith();
    const wire = await adapter.buildRequest(simpleTextRequest({ stream: true }), claudeTarget);
    expect(wire.url.endsWith('/invoke-with-response-stream')).toBe(true);
    expect(wire.headers).toMatchObject({
      accept: 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-accept': 'application/json',
    });
    expect(wire.body).not.toContain('"stream"');
  });

  it('calls Converse for other models and when config says so', async () => {
    const { adapter } = adapterWith();
    expect((await adapter.buildRequest(simpleTextRequest(), novaTarget)).url).toMatch(
      /\/model\/us\.amazon\.nova-pro-v1%3A0\/converse$/,
    );
    const streaming = await adapter.buildRequest(simpleTextRequest({ stream: true }), {
      ...claudeTarget,
      api: 'converse',
    });
    expect(streaming.url).toMatch(/\/converse-stream$/);
    expect(streaming.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(streaming.headers).not.toHaveProperty('x-amzn-bedrock-accept');
    expect(JSON.parse(streaming.body ?? '{}')).toHaveProperty('inferenceConfig');
    expect((await adapter.buildRequest(simpleTextRequest(), { ...novaTarget, api: 'invoke' })).url).toMatch(
      /\/invoke$/,
    );
  });

  it('encodes an inference-profile ARN as one path segment', async () => {
    const { adapter } = adapterWith();
    const arn = 'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const wire = await adapter.buildRequest(simpleTextRequest(), { ...claudeTarget, model: arn, region: 'eu-west-1' });
    expect(wire.url).toBe(
      'https://bedrock-runtime.eu-west-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A111122223333%3Ainference-profile%2Feu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke',
    );
  });

  it('uses a base URL override (a simulator) and signs its host with the port', async () => {
    const { adapter } = adapterWith();
    const target = { ...claudeTarget, baseUrl: 'http://127.0.0.1:4010/u/bedrock-east' };
    const wire = await adapter.buildRequest(simpleTextRequest(), target);
    expect(wire.url).toBe(
      'http://127.0.0.1:4010/u/bedrock-east/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke',
    );
    expect(wire.headers.host).toBe('127.0.0.1:4010');
    expect(wire.headers.authorization).toContain('/us-east-1/bedrock/aws4_request');
  });

  it('needs a region or a base URL', async () => {
    const { adapter } = adapterWith();
    await expect(
      adapter.buildRequest(simpleTextRequest(), { ...claudeTarget, region: undefined }),
    ).rejects.toMatchObject({ kind: 'local' });
    const fromHost = await adapter.buildRequest(simpleTextRequest(), {
      ...claudeTarget,
      region: undefined,
      baseUrl: 'https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com',
    });
    expect(fromHost.headers.authorization).toContain('/us-gov-west-1/bedrock/aws4_request');
  });
});

describe('SigV4', () => {
  it('signs with service bedrock, the region and the clock, and a server re-signing gets the same signature', async () => {
    const { adapter } = adapterWith();
    const target = { ...claudeTarget, headers: { 'X-Team': 'payments' } };
    const wire = await adapter.buildRequest(
      toolRoundTripRequest({ original: { format: 'openai-chat', body: {} } }),
      target,
    );
    expect(wire.headers['x-amz-date']).toBe('20261021T123045Z');
    expect(wire.headers.host).toBe('bedrock-runtime.us-east-1.amazonaws.com');
    expect(wire.headers['x-team']).toBe('payments');
    const authorization = wire.headers.authorization ?? '';
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261021\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';');
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-content-sha256', 'content-type', 'x-team']),
    );
    expect(await resign(wire, testCredentials, 'us-east-1')).toBe(authorization);
  });

  it('covers the body, the path and the secret: changing any of them changes the signature', async () => {
    const { adapter } = adapterWith();
    const wire = await adapter.buildRequest(simpleTextRequest(), claudeTarget);
    const authorization = wire.headers.authorization;
    expect(await resign({ ...wire, body: `${wire.body} ` }, testCredentials, 'us-east-1')).not.toBe(authorization);
    expect(
      await resign({ ...wire, url: wire.url.replace('/invoke', '/converse') }, testCredentials, 'us-east-1'),
    ).not.toBe(authorization);
    expect(await resign(wire, { ...testCredentials, secretAccessKey: 'another-fake-secret' }, 'us-east-1')).not.toBe(
      authorization,
    );
    expect(await resign(wire, testCredentials, 'us-west-2')).not.toBe(authorization);
  });

  it('sends and signs the session token of temporary credentials', async () => {
    const { adapter } = adapterWith(testSessionCredentials);
    const wire = await adapter.buildRequest(simpleTextRequest(), claudeTarget);
    expect(wire.headers['x-amz-security-token']).toBe('switchyard-test-session-token');
    expect(wire.headers.authorization).toContain('x-amz-security-token');
    expect(await resign(wire, testSessionCredentials, 'us-east-1')).toBe(wire.headers.authorization);
  });

  it('never puts the secret in the request', async () => {
    const { adapter } = adapterWith();
    const wire = await adapter.buildRequest(simpleTextRequest(), claudeTarget);
    expect(JSON.stringify(wire)).not.toContain(testCredentials.secretAccessKey);
  });
});

describe('credentials', () => {
  it('sends a Bedrock API key as a bearer token, without SigV4 and without asking for AWS credentials', async () => {
    const { adapter, calls } = adapterWith();
    const wire = await adapter.buildRequest(simpleTextRequest(), {
      ...claudeTarget,
      apiKey: 'bedrock-api-key-for-tests',
    });
    expect(wire.headers.authorization).toBe('Bearer bedrock-api-key-for-tests');
    expect(Object.keys(wire.headers).filter((name) => name.startsWith('x-amz-'))).toEqual([]);
    expect(calls()).toBe(0);
  });

  it('takes AWS_BEARER_TOKEN_BEDROCK from the environment as the AWS SDKs do, when the deployment has no key', async () => {
    const { adapter, calls } = adapterWith(testCredentials, {
      AWS_BEARER_TOKEN_BEDROCK: 'bedrock-env-token-for-tests',
    });
    const wire = await adapter.buildRequest(simpleTextRequest(), claudeTarget);
    expect(wire.headers.authorization).toBe('Bearer bedrock-env-token-for-tests');
    expect(calls()).toBe(0);
    const own = await adapter.buildRequest(simpleTextRequest(), { ...claudeTarget, apiKey: 'deployment-key' });
    expect(own.headers.authorization).toBe('Bearer deployment-key');
  });

  it('asks the injected provider on every signed request (the provider does its own caching)', async () => {
    const { adapter, calls } = adapterWith();
    await adapter.buildRequest(simpleTextRequest(), claudeTarget);
    await adapter.buildRequest(simpleTextRequest(), novaTarget);
    expect(calls()).toBe(2);
  });

  it('turns a credential chain that finds nothing into an auth failure of the deployment', async () => {
    const adapter = createBedrockAdapter({
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
      clock: new ManualClock(signingTime),
      environment: {},
    });
    const failure = adapter.buildRequest(simpleTextRequest(), claudeTarget);
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ kind: 'auth', providerCode: 'credentials_unavailable' });
  });

  it('keeps one default-chain provider per profile', () => {
    const source = createCredentialSource();
    expect(source('prod')).toBe(source('prod'));
    expect(source(undefined)).toBe(source(undefined));
    expect(source('prod')).not.toBe(source('staging'));
    const injected = async () => testCredentials;
    expect(createCredentialSource(injected)('prod')).toBe(injected);
  });
});

describe('parseResponse', () => {
  it('reads a Converse answer and an InvokeModel (Anthropic) answer by their shape', () => {
    const { adapter } = adapterWith();
    expect(
      adapter.parseResponse(bedrockFixtureJson('converse-response-text.json'), simpleTextRequest()).usage
        .cacheWriteTokens,
    ).toBe(100);
    expect(adapter.parseResponse(bedrockFixtureJson('invoke-response.json'), simpleTextRequest()).id).toBe(
      'msg_bdrk_01XFDUDYJgAACzvnptvVoYEL',
    );
  });
});
