// The Bedrock dialect's gatekeeping on the wire: SigV4 verified against the simulator's test
// credentials (and Bedrock API keys), refusals in Bedrock's own form, and CountTokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorAwsCredentials, startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { claudeOnBedrock, parseJson, postBytes, postSigned, signBedrockRequest } from './cloud-client.js';
import { bedrockOperationUrl, converseBody, invokeBody } from './bedrock-requests.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const operationUrl = (operation: string, model?: string, name?: string) =>
  bedrockOperationUrl(simulator.url, operation, model, name);

describe('authentication', () => {
  const body = JSON.stringify(converseBody());

  it('accepts a request signed by SignatureV4 with the simulator credentials, the model id percent-encoded', async () => {
    const url = operationUrl('converse');
    expect(url.pathname).toContain('%3A0');
    const headers = await signBedrockRequest(url, body);
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect((await postBytes(url, body, headers)).status).toBe(200);
  });

  it('accepts a signature over a raw colon, a query string and a session token, in any region', async () => {
    const url = new URL(`${simulator.url}/u/bedrock-a/model/${claudeOnBedrock}/converse?trace=on&b=2`);
    expect(url.pathname).toContain(':0');
    const headers = await signBedrockRequest(url, body, {
      region: 'eu-central-1',
      credentials: { ...simulatorAwsCredentials, sessionToken: 'session-token' },
    });
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect((await postBytes(url, body, headers)).status).toBe(200);
  });

  it('accepts a Bedrock API key as a bearer token', async () => {
    const reply = await postBytes(operationUrl('converse'), body, {
      'content-type': 'application/json',
      authorization: 'Bearer bedrock-api-key-sim',
    });
    expect(reply.status).toBe(200);
  });

  async function refusal(headers: Record<string, string>, sentBody = body, url = operationUrl('converse')) {
    const reply = await postBytes(url, sentBody, headers);
    expect(reply.status).toBe(403);
    expect(Object.keys(parseJson(reply))).toEqual(['message']);
    return {
      type: String(reply.headers['x-amzn-errortype']).split(':')[0],
      message: parseJson(reply).message as string,
    };
  }

  it('refuses an unsigned request with 403', async () => {
    expect(await refusal({ 'content-type': 'application/json' })).toEqual({
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('refuses a malformed Authorization header with 403', async () => {
    expect((await refusal({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR' })).type).toBe(
      'IncompleteSignatureException',
    );
    expect((await refusal({ authorization: 'Basic dXNlcjpwYXNz' })).type).toBe('IncompleteSignatureException');
    const headers = await signBedrockRequest(operationUrl('converse'), body);
    expect((await refusal({ ...headers, 'x-amz-date': 'yesterday' })).type).toBe('IncompleteSignatureException');
  });

  it('refuses a signature made with the wrong secret', async () => {
    const headers = await signBedrockRequest(operationUrl('converse'), body, {
      credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'not-the-secret' },
    });
    expect((await refusal(headers)).type).toBe('InvalidSignatureException');
  });

  it('refuses an access key it does not know', async () => {
    const headers = await signBedrockRequest(operationUrl('converse'), body, {
      credentials: { accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: 'whatever' },
    });
    expect(await refusal(headers)).toEqual({
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a body changed after signing, with or without a signed x-amz-content-sha256', async () => {
    const tampered = body.replace('lighthouses', 'lightships');
    const withHash = await signBedrockRequest(operationUrl('converse'), body);
    expect(withHash['x-amz-content-sha256']).toBeDefined();
    expect((await refusal(withHash, tampered)).type).toBe('InvalidSignatureException');
    const withoutHash = await signBedrockRequest(operationUrl('converse'), body, { applyChecksum: false });
    expect(withoutHash['x-amz-content-sha256']).toBeUndefined();
    expect((await postBytes(operationUrl('converse'), body, withoutHash)).status).toBe(200);
    expect((await refusal(withoutHash, tampered)).type).toBe('InvalidSignatureException');
  });

  it('refuses a signature for another path, another service or a changed signed header', async () => {
    const headers = await signBedrockRequest(
      operationUrl('converse', 'anthropic.claude-haiku-4-5-20251001-v1:0'),
      body,
    );
    expect((await refusal(headers)).type).toBe('InvalidSignatureException');
    const otherService = await signBedrockRequest(operationUrl('converse'), body, { service: 'bedrock-runtime' });
    expect((await refusal(otherService)).message).toMatch(/scoped to correct service: 'bedrock'/);
    const signed = await signBedrockRequest(operationUrl('converse'), body);
    expect((await refusal({ ...signed, accept: 'text/plain' })).type).toBe('InvalidSignatureException');
  });

  it('counts refused requests as rejected and records them', async () => {
    const sim = await startSimulator();
    try {
      const url = new URL(`${sim.url}/u/bedrock-b/model/${encodeURIComponent(claudeOnBedrock)}/converse`);
      await postBytes(url, body, { 'content-type': 'application/json' });
      await postSigned(url, converseBody());
      expect(sim.stats().upstreams['bedrock-b']).toMatchObject({ requests: 2, rejected: 1, succeeded: 1 });
      const recorded = sim.requests('bedrock-b');
      expect(recorded).toHaveLength(2);
      expect(recorded[1]!.url).toBe(`/u/bedrock-b/model/${encodeURIComponent(claudeOnBedrock)}/converse`);
      expect(recorded[1]!.body).toEqual(converseBody());
    } finally {
      await sim.close();
    }
  });
});

describe('CountTokens', () => {
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  const foundationModel = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

  it('counts an InvokeModel body and a Converse input alike, as {"inputTokens": N}', async () => {
    const invoke = await postSigned(operationUrl('count-tokens', foundationModel), {
      input: { invokeModel: { body: base64(invokeBody()) } },
    });
    expect(invoke.status).toBe(200);
    expect(invoke.headers['x-amzn-requestid']).toBeTruthy();
    const counted = parseJson(invoke);
    expect(Object.keys(counted)).toEqual(['inputTokens']);
    expect(counted.inputTokens).toBeGreaterThan(0);
    const converse = parseJson(
      await postSigned(operationUrl('count-tokens', foundationModel), {
        input: { converse: { messages: converseBody().messages } },
      }),
    );
    expect(converse.inputTokens).toBe(counted.inputTokens);
  });

  it('checks the InvokeModel body inside as InvokeModel would', async () => {
    const reply = await postSigned(operationUrl('count-tokens', foundationModel), {
      input: { invokeModel: { body: base64({ ...invokeBody(), anthropic_version: undefined }) } },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
    expect(parseJson(reply).message).toMatch(/anthropic_version/);
  });

  it('refuses a model that does not count: an inference profile or another family', async () => {
    for (const model of [claudeOnBedrock, 'moonshot.kimi-k2-thinking']) {
      const reply = await postSigned(operationUrl('count-tokens', model), {
        input: { invokeModel: { body: base64(invokeBody()) } },
      });
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
      expect(parseJson(reply).message).toBe("The provided model doesn't support counting tokens.");
    }
  });

  it('authenticates before reading the body', async () => {
    const url = operationUrl('count-tokens', foundationModel);
    const reply = await postBytes(url, '{}', { 'content-type': 'application/json' });
    expect(reply.status).toBe(403);
  });
});
