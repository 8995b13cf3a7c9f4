// Planted provider keys in mid-stream errors: each upstream (Anthropic SSE, OpenAI SSE, Bedrock's binary
// event stream) streams content, then fails in-band with an error that echoes its key, and the simulator
// sends that error frame in two writes cut in the middle of the key, as a network may split it. Every
// client form (Anthropic and OpenAI SDKs, raw SSE, the Bedrock binary stream with its exception frames)
// is read for the key, on the relay and the translate lanes, and so are the logs at trace level.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { decodeEventStream } from '../support/bedrock-event-stream.js';
import { simulatorControl } from '../support/simulator-setup.js';

const random = () => Math.random().toString(36).slice(2, 12);
// In no shape a pattern knows: only scrubbing by value can catch it, and only if the halves are joined.
const providerMarker = `plantedstreamkey${random()}${random()}`;
const firstHalf = providerMarker.slice(0, providerMarker.length / 2);
const bedrockModel = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

let simulator: RunningSimulator;
let gateway: RunningGateway;
const logLines: string[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 23 });
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${simulator.url}/u/claude-a`,
        apiKey: providerMarker,
      },
      {
        id: 'gpt-a',
        provider: 'openai',
        model: 'gpt-5',
        baseUrl: `${simulator.url}/u/gpt-a/v1`,
        apiKey: providerMarker,
      },
      {
        id: 'claude-bedrock',
        provider: 'bedrock',
        region: 'us-east-1',
        model: bedrockModel,
        baseUrl: `${simulator.url}/u/claude-bedrock`,
        apiKey: providerMarker,
      },
    ],
    routes: [
      { name: 'claude', deployments: ['claude-a'] },
      { name: 'gpt', deployments: ['gpt-a'] },
      { name: 'bedrock-claude', deployments: ['claude-bedrock'] },
    ],
    timeouts: { requestMs: 5_000, connectMs: 500, firstTokenMs: 2_000 },
    retry: { maxAttemptsPerDeployment: 1, baseDelayMs: 1, maxDelayMs: 5 },
    health: { probes: { enabled: false } },
    store: false,
  });
  const logs = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('trace', logs) });
  for (const target of ['claude-a', 'gpt-a', 'claude-bedrock']) {
    const response = await simulatorControl(simulator.url)('POST', '/_sim/faults', {
      target,
      kind: 'error',
      status: 500,
      // After content has gone out: the stream is committed, so the error reaches the client in-band.
      afterEvents: 4,
      message: `upstream refused the key ${providerMarker}`,
      splitAfter: firstHalf,
    });
    expect(response.status).toBe(200);
  }
});

afterAll(async () => {
  await gateway?.close();
  await simulator?.close();
});

const ask = { max_tokens: 50, messages: [{ role: 'user' as const, content: 'Tell a story' }] };

/** The whole streamed answer as the client's socket received it. */
async function rawStream(path: string, body: Record<string, unknown>): Promise<Buffer> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('planted keys in mid-stream errors split across writes', () => {
  it('reach no SSE client, relayed or translated, nor the logs', async () => {
    const received: string[] = [];
    for (const model of ['claude', 'gpt', 'bedrock-claude']) {
      received.push((await rawStream('/v1/messages', { model, stream: true, ...ask })).toString('utf8'));
      received.push(
        (await rawStream('/v1/chat/completions', { model, stream: true, messages: ask.messages })).toString('utf8'),
      );
    }
    // Each stream carried content, then the upstream's error with the key taken out.
    for (const text of received) {
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(providerMarker);
      expect(text).not.toContain(firstHalf);
    }
    expect(logLines.join('\n')).not.toContain(providerMarker);
  });

  it('reach no SDK error', async () => {
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'client', maxRetries: 0 });
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client', maxRetries: 0 });
    const messages: string[] = [];
    for (const model of ['claude', 'gpt', 'bedrock-claude']) {
      // One stream at a time: a stream started while the other is awaited could fail with no handler yet.
      for (const outcome of [
        () => anthropic.messages.stream({ model, ...ask }).finalMessage(),
        () => openai.chat.completions.stream({ model, messages: ask.messages }).finalChatCompletion(),
      ]) {
        const error = await outcome().then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(Error);
        messages.push(`${(error as Error).message} ${JSON.stringify(error)}`);
      }
    }
    for (const message of messages) {
      expect(message).toContain('[redacted]');
      expect(message).not.toContain(firstHalf);
    }
  });

  it('reach no Bedrock client: the exception frame carries the message without the key', async () => {
    for (const model of ['bedrock-claude', 'claude', 'gpt']) {
      const bytes = await rawStream(`/model/${encodeURIComponent(model)}/invoke-with-response-stream`, {
        anthropic_version: 'bedrock-2023-05-31',
        ...ask,
      });
      expect(bytes.includes(firstHalf)).toBe(false);
      const frames = decodeEventStream(bytes);
      expect(frames.some((frame) => frame.headers[':event-type'] === 'chunk')).toBe(true);
      const exception = frames.at(-1)!;
      expect(exception.headers[':message-type']).toBe('exception');
      expect(String(exception.payload.message)).toContain('[redacted]');
      for (const frame of frames) expect(JSON.stringify(frame)).not.toContain(firstHalf);
    }
  });
});
