// A hung failure domain and a silent stall mid-stream, as the official SDKs see them, with the
// gateway on a manual clock: the simulator really hangs (or goes silent with the connection open) and
// the test moves the gateway's time past the suspicion and stall limits, so nothing waits on the wall
// clock except the real I/O between SDK, gateway and simulator (bounded waits).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load-config.js';
import { type RunningGateway, startGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import { resetFaultsAndHealth, simulatedDeployment, simulatorControl } from '../support/simulator-setup.js';

const clock = new ManualClock(Date.UTC(2026, 11, 7, 9, 0, 0));
let simulator: RunningSimulator;
let gateway: RunningGateway;
let anthropic: Anthropic;
let openai: OpenAI;
let control: ReturnType<typeof simulatorControl>;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeAll(async () => {
  process.on('warning', onWarning);
  simulator = await startSimulator({ port: 0, seed: 11 });
  control = simulatorControl(simulator.url);
  for (const name of ['claude-a', 'claude-b', 'gpt-c']) {
    await control('POST', `/_sim/upstreams/${name}`, { timeToFirstTokenMs: 5, tokensPerSecond: 2_000 });
  }
  const family = ['anthropic-model-layer'];
  gateway = await startGateway({
    port: 0,
    clock,
    logger: createLogger('silent'),
    config: parseConfig({
      server: { host: '127.0.0.1', port: 0 },
      deployments: [
        simulatedDeployment(simulator.url, 'claude-a', 'anthropic', family),
        { ...simulatedDeployment(simulator.url, 'claude-b', 'anthropic', family), prefill: true },
        simulatedDeployment(simulator.url, 'gpt-c', 'openai', ['openai']),
      ],
      routes: [
        { name: 'family', deployments: ['claude-a', 'claude-b', 'gpt-c'] },
        { name: 'continued', deployments: ['claude-a', 'claude-b'], continuation: 'on' },
        { name: 'hedged', deployments: ['claude-a', 'gpt-c'], hedge: { afterMs: 300 } },
      ],
      // Health's defaults (suspectFloorMs 1 s, suspectFactor 3) and the default first-token limits.
      timeouts: { stallFloorMs: 2_000 },
      hedging: { budget: 1 },
      health: { probes: { enabled: false } },
      store: false,
    }),
  });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  process.off('warning', onWarning);
  await gateway?.close();
  await simulator?.close();
});

beforeEach(() => resetFaultsAndHealth(simulator.url, gateway.url, ['claude-a', 'claude-b', 'gpt-c']));

const ask = (model: string) => ({ model, max_tokens: 200, messages: [{ role: 'user' as const, content: 'Hello?' }] });

/** Waits (bounded, on real time: this is I/O between processes) until `condition` holds. */
async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `promise`, or (after a bounded real-time wait) an error saying what the gateway was doing meanwhile. */
async function bounded<T>(promise: Promise<T>, what: string, limitMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const states = gateway.tracker?.snapshot().deployments.map((entry) => [entry.id, entry.state]);
      reject(new Error(`${what}: no end; timers pending ${clock.pendingSleepers}; ${JSON.stringify(states)}`));
    }, limitMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits (bounded) until `count()` is above zero and has not moved for `quietMs` of real time: the upstream
 * has sent all it will before going silent. Moving the gateway's clock before that would let the last
 * events, still on their way, restart the silence the stall limit measures, and the stream would never end.
 */
async function quietAfterContent(count: () => number, what: string, quietMs = 300): Promise<void> {
  let last = -1;
  let since = Date.now();
  await until(() => {
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
    return now > 0 && Date.now() - since >= quietMs;
  }, what);
}

function waitingOn(id: string): number {
  return gateway.tracker?.snapshot().deployments.find((entry) => entry.id === id)?.waitingForFirstToken ?? 0;
}

async function upstreamRequests(id: string): Promise<number> {
  const stats = (await (await control('GET', '/_sim/stats')).json()) as {
    upstreams: Record<string, { requests: number }>;
  };
  return stats.upstreams[id]?.requests ?? 0;
}

type MessageContent = string | Array<{ type: string; text?: string }>;

/** The assistant prefill of the last request `id` received (the continuation), as text. */
async function prefillSentTo(id: string): Promise<string> {
  const recorded = (await (await control('GET', `/_sim/requests/${id}`)).json()) as {
    body: { messages: Array<{ role: string; content: MessageContent }> };
  };
  const last = recorded.body.messages.at(-1)!;
  expect(last.role).toBe('assistant');
  return typeof last.content === 'string' ? last.content : last.content.map((block) => block.text ?? '').join('');
}

/** An Anthropic SDK stream to completion: which deployment answered, after how many attempts, and its text. */
async function anthropicStream(model: string, onDelta: () => void = () => {}) {
  const stream = anthropic.messages.stream(ask(model));
  stream.on('text', onDelta);
  const { response } = await stream.withResponse();
  const message = await stream.finalMessage();
  return {
    deployment: response.headers.get('x-switchyard-deployment'),
    attempts: response.headers.get('x-switchyard-attempts'),
    stopReason: message.stop_reason,
    text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
  };
}

async function openaiStream(model: string, onDelta: () => void = () => {}) {
  const { data: stream, response } = await openai.chat.completions
    .create({ model, stream: true, messages: [{ role: 'user', content: 'Hello?' }] })
    .withResponse();
  let text = '';
  let finishReason: string | null | undefined;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content ?? '';
    if (delta) onDelta();
    text += delta;
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
  }
  return {
    deployment: response.headers.get('x-switchyard-deployment'),
    attempts: response.headers.get('x-switchyard-attempts'),
    finishReason,
    text,
  };
}

describe('a hung failure domain', () => {
  it('sends few requests into a hung family and rescues every one through the third deployment', async () => {
    // The family answers first tokens: health learns what usual is.
    for (let index = 0; index < 6; index += 1) expect((await anthropicStream('family')).deployment).toBe('claude-a');
    await clock.advance(100);
    await control('POST', '/_sim/faults', { target: 'claude-*', kind: 'hang' });
    const before = { a: await upstreamRequests('claude-a'), b: await upstreamRequests('claude-b') };

    // Three requests arrive while nothing is known yet: they go to the primary and wait.
    const early = [anthropicStream('family'), anthropicStream('family'), openaiStream('family')];
    await until(() => waitingOn('claude-a') === 3, 'three requests waiting on claude-a');
    // Past the suspicion floor with none of them answered: the next request skips claude-a…
    await clock.advance(1_000);
    const second = anthropicStream('family');
    await until(() => waitingOn('claude-b') === 1, 'one request waiting on claude-b');
    expect(gateway.tracker?.snapshot().deployments.find((entry) => entry.id === 'claude-a')?.state).toBe('ejected');
    // …and once its sibling is suspect too, the domain is degraded: new requests go straight to gpt-c.
    await clock.advance(1_000);
    const late = await Promise.all([anthropicStream('family'), openaiStream('family'), anthropicStream('family')]);
    for (const answer of late) {
      expect(answer.deployment).toBe('gpt-c');
      expect(answer.attempts).toBe('1');
    }
    // The waiting requests fail over when their first-token limit ends — to gpt-c, never to the hung sibling.
    await clock.advance(6_000);
    const rescued = await Promise.all([...early, second]);
    for (const answer of rescued) {
      expect(answer.deployment).toBe('gpt-c');
      expect(answer.attempts).toBe('2');
      expect(answer.text.length).toBeGreaterThan(0);
    }
    const waitedOnFamily =
      (await upstreamRequests('claude-a')) - before.a + ((await upstreamRequests('claude-b')) - before.b);
    expect(waitedOnFamily).toBe(4);
  });
});

describe('a silent stall mid-stream', () => {
  it('cuts a stream that goes silent after content and continues it on a prefill deployment (Anthropic SDK)', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'stall', afterEvents: 5 });
    let deltas = 0;
    const answer = anthropicStream('continued', () => {
      deltas += 1;
    });
    // The client has all the text sent before the stall: the stream is committed and its silence watchdog
    // runs on the gateway's clock.
    await quietAfterContent(() => deltas, 'the text before the stall at the client');
    // Nothing moves until the silence outlasts the stall limit (stallFloorMs 2 s: this stream showed no gap).
    await clock.advance(2_000);
    const { deployment, stopReason, text } = await bounded(answer, 'the continued Anthropic stream');
    expect(deployment).toBe('claude-a');
    expect(stopReason).toBe('end_turn');
    const prefill = await prefillSentTo('claude-b');
    expect(prefill.length).toBeGreaterThan(0);
    // What the stalled stream sent is in the answer once, followed by the continuation.
    expect(text.startsWith(prefill)).toBe(true);
    expect(text.length).toBeGreaterThan(prefill.length);
  });

  it('does the same for the OpenAI SDK', async () => {
    await control('DELETE', '/_sim/stats');
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'stall', afterEvents: 5 });
    let deltas = 0;
    const answer = openaiStream('continued', () => {
      deltas += 1;
    });
    await quietAfterContent(() => deltas, 'the text before the stall at the client');
    await clock.advance(2_000);
    const { finishReason, text } = await bounded(answer, 'the continued OpenAI stream');
    expect(finishReason).toBe('stop');
    const prefill = await prefillSentTo('claude-b');
    expect(prefill.length).toBeGreaterThan(0);
    expect(text.startsWith(prefill)).toBe(true);
    expect(text.length).toBeGreaterThan(prefill.length);
  });
});

describe('many requests hedged at once', () => {
  it('rescues them all without piling listeners on a shared abort signal', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-a', kind: 'hang' });
    const answers = Array.from({ length: 16 }, (_, index) =>
      index % 2 === 0 ? anthropicStream('hedged') : openaiStream('hedged'),
    );
    await until(() => waitingOn('claude-a') === 16, 'sixteen requests waiting on claude-a');
    await clock.advance(300);
    for (const answer of await Promise.all(answers)) expect(answer.deployment).toBe('gpt-c');
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
