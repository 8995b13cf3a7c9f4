// The cap on request-body bytes held at once, against a real listening gateway: two large bodies wait
// on a hung upstream and hold most of the cap, then eighteen more arrive at once (both SDKs, and a
// chunked upload without a content-length). Every one of them is refused before its body is read —
// 503 `overloaded_error` with retry-after in its client's format — the held bytes never pass the cap,
// the upstream never hears of them and its health is untouched; once the first two end, the budget
// is free again. Without the cap all twenty would be held (20 MB against a 2.5 MB cap).
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { simulatorControl } from '../support/simulator-setup.js';
import { eventually } from './harness.js';

const megabyte = 1024 * 1024;
const bodyMemoryBytes = 2.5 * megabyte;
/** Each body is a little over 1 MB: two fit under the cap, a third does not. */
const largeText = 'x'.repeat(megabyte);

let simulator: RunningSimulator;
let gateway: RunningGateway;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 29 });
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0, bodyLimitBytes: 2 * megabyte, bodyMemoryBytes },
    deployments: [
      {
        id: 'claude-a',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        baseUrl: `${simulator.url}/u/claude-a`,
        apiKey: 'sim-key',
      },
      { id: 'gpt-a', provider: 'openai', model: 'gpt-5', baseUrl: `${simulator.url}/u/gpt-a/v1`, apiKey: 'sim-key' },
    ],
    routes: [
      { name: 'claude', deployments: ['claude-a'] },
      { name: 'gpt', deployments: ['gpt-a'] },
    ],
    timeouts: { requestMs: 60_000, firstTokenMs: 60_000 },
    health: { probes: { enabled: false } },
    store: false,
  });
  gateway = await startGateway({ config, port: 0, logger: createLogger('silent') });
});

afterAll(async () => {
  await gateway?.close();
  await simulator?.close();
});

/** A numeric sample from /metrics. */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

async function upstreamStats(name: string): Promise<{ requests: number; inFlight: number }> {
  const response = await simulatorControl(simulator.url)('GET', '/_sim/stats');
  const stats = (await response.json()) as { upstreams: Record<string, { requests: number; inFlight: number }> };
  return stats.upstreams[name] ?? { requests: 0, inFlight: 0 };
}

/** A chunked upload (no content-length), as some HTTP clients stream a body; resolves with the answer. */
function chunkedUpload(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const upload = httpRequest(
      `${gateway.url}/v1/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    // The answer may come (and the socket close) before the whole body went out.
    upload.on('error', reject);
    for (let offset = 0; offset < body.length; offset += megabyte) upload.write(body.slice(offset, offset + megabyte));
    upload.end();
  });
}

describe('request-body memory cap', () => {
  it('refuses bodies beyond the cap in the client format, keeps held bytes under it, and blames no upstream', async () => {
    await simulatorControl(simulator.url)('POST', '/_sim/faults', { target: 'claude-a', kind: 'hang' });
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'client', maxRetries: 0 });
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client', maxRetries: 0 });
    const large = [{ role: 'user' as const, content: largeText }];

    const holders = [new AbortController(), new AbortController()];
    const held = holders.map((controller) =>
      anthropic.messages
        .create({ model: 'claude', max_tokens: 10, messages: large }, { signal: controller.signal })
        .catch((error: unknown) => error),
    );
    await eventually(
      async () => (await upstreamStats('claude-a')).inFlight,
      (inFlight) => inFlight === 2,
    );
    const heldBefore = await metric('switchyard_request_body_bytes_held');
    expect(heldBefore).toBeGreaterThan(2 * megabyte);
    expect(heldBefore).toBeLessThanOrEqual(bodyMemoryBytes);

    const refusedAnthropic = Array.from({ length: 8 }, () =>
      anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: large }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    const refusedOpenAI = Array.from({ length: 9 }, () =>
      openai.chat.completions.create({ model: 'gpt', messages: large }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    const chunked = chunkedUpload(JSON.stringify({ model: 'claude', max_tokens: 10, messages: large }));

    for (const error of await Promise.all(refusedAnthropic)) {
      expect(error).toBeInstanceOf(Anthropic.APIError);
      const apiError = error as InstanceType<typeof Anthropic.APIError>;
      expect(apiError.status).toBe(503);
      expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      expect(apiError.headers?.get('retry-after')).toBe('1');
    }
    for (const error of await Promise.all(refusedOpenAI)) {
      expect(error).toBeInstanceOf(OpenAI.APIError);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(503);
      expect(apiError.error).toMatchObject({ type: 'service_unavailable', code: 'overloaded_error' });
      expect(apiError.headers?.get('retry-after')).toBe('1');
    }
    const chunkedAnswer = await chunked;
    expect(chunkedAnswer.status).toBe(503);
    expect(JSON.parse(chunkedAnswer.text)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

    expect(await metric('switchyard_request_body_memory_refusals_total')).toBe(18);
    expect(await metric('switchyard_request_body_bytes_held')).toBeLessThanOrEqual(bodyMemoryBytes);
    // Refused before routing: no upstream heard of them, and no deployment's health counts them.
    expect((await upstreamStats('claude-a')).requests).toBe(2);
    expect((await upstreamStats('gpt-a')).requests).toBe(0);

    for (const controller of holders) controller.abort();
    for (const outcome of await Promise.all(held)) expect(outcome).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(
      await eventually(
        () => metric('switchyard_request_body_bytes_held'),
        (bytes) => bytes === 0,
      ),
    ).toBe(0);
    const health = (await (await fetch(`${gateway.url}/admin/health`)).json()) as {
      deployments: Array<{ id: string; state: string }>;
      bodyMemory: { heldBytes: number; limitBytes: number; refused: number };
    };
    expect(health.bodyMemory).toEqual({ heldBytes: 0, limitBytes: bodyMemoryBytes, refused: 18 });
    for (const deployment of health.deployments) expect(deployment.state, deployment.id).toBe('healthy');

    // The budget is free again: a large body is served.
    await simulatorControl(simulator.url)('DELETE', '/_sim/faults');
    const answer = await openai.chat.completions.create({ model: 'gpt', messages: large });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });
});
