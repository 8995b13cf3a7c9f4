// Every fault kind on the Bedrock dialect, in Bedrock's own formats: HTTP errors with
// x-amzn-ErrorType, exception messages inside event streams, cut streams, a message with a
// broken CRC, hangs, resets and latency on the injected clock.
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  chunkEvent,
  claudeOnBedrock,
  decodeEventStream,
  parseJson,
  postBytes,
  postSigned,
  signBedrockRequest,
} from './cloud-client.js';

let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(options: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  simulator = await startSimulator(options);
  return simulator;
}

function operationUrl(sim: RunningSimulator, operation: string): URL {
  return new URL(`${sim.url}/u/bedrock-a/model/${encodeURIComponent(claudeOnBedrock)}/${operation}`);
}

const converseBody = { messages: [{ role: 'user', content: [{ text: 'Tell me about lighthouses' }] }] };
const invokeBody = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Tell me about lighthouses' }],
};

describe('error faults', () => {
  it.each([
    [429, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.'],
    [529, 503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.'],
    [503, 503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.'],
    [500, 500, 'InternalServerException', expect.stringContaining('unexpected error')],
    [400, 400, 'ValidationException', expect.any(String)],
    [403, 403, 'AccessDeniedException', expect.any(String)],
  ])('status %i answers %i %s with {"message"}', async (injected, status, errorType, message) => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'error', status: injected });
    for (const [operation, body] of [
      ['converse', converseBody],
      ['invoke-with-response-stream', invokeBody],
    ] as const) {
      const reply = await postSigned(operationUrl(sim, operation), body);
      expect(reply.status).toBe(status);
      expect(reply.headers['x-amzn-errortype']).toBe(
        `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      );
      expect(reply.headers['x-amzn-requestid']).toEqual(expect.any(String));
      expect(reply.headers['retry-after']).toBeUndefined();
      expect(parseJson(reply)).toEqual({ message });
    }
    expect(sim.stats().upstreams['bedrock-a']).toMatchObject({ requests: 2, failed: 2 });
  });

  it('carries a configured message and retry-after', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'error', status: 429, retryAfterSeconds: 4, message: 'Slow down' });
    const reply = await postSigned(operationUrl(sim, 'converse'), converseBody);
    expect(reply.headers['retry-after']).toBe('4');
    expect(parseJson(reply)).toEqual({ message: 'Slow down' });
  });

  it('still checks the signature first: an unsigned request is refused, not failed', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'error', status: 529 });
    const reply = await postBytes(operationUrl(sim, 'converse'), JSON.stringify(converseBody), {
      'content-type': 'application/json',
    });
    expect(reply.status).toBe(403);
    expect(sim.stats().upstreams['bedrock-a']).toMatchObject({ rejected: 1, failed: 0 });
  });
});

describe('mid-stream error faults', () => {
  it('ConverseStream: 200, afterEvents events, then an exception message', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'error', status: 429, afterEvents: 3 });
    const reply = await postSigned(operationUrl(sim, 'converse-stream'), converseBody);
    expect(reply.status).toBe(200);
    expect(reply.failure).toBeUndefined();
    const { messages, rest } = decodeEventStream(reply.bytes);
    expect(rest).toBe(0);
    expect(messages.map((message) => message.headers[':event-type'])).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      undefined,
    ]);
    expect(messages[3]!.headers).toEqual({
      ':message-type': 'exception',
      ':exception-type': 'throttlingException',
      ':content-type': 'application/json',
    });
    expect(messages[3]!.payload).toEqual({ message: 'Too many requests, please wait before trying again.' });
    expect(sim.stats().upstreams['bedrock-a']).toMatchObject({ failed: 1, succeeded: 0 });
  });

  it.each([
    [529, 'serviceUnavailableException'],
    [503, 'serviceUnavailableException'],
    [500, 'internalServerException'],
    [424, 'modelStreamErrorException'],
  ])(
    'InvokeModelWithResponseStream: status %i becomes a %s message after the chunks',
    async (status, exceptionType) => {
      const sim = await start();
      sim.faults.add({ target: 'bedrock-a', kind: 'error', status, afterEvents: 2 });
      const { messages } = decodeEventStream(
        (await postSigned(operationUrl(sim, 'invoke-with-response-stream'), invokeBody)).bytes,
      );
      expect(messages).toHaveLength(3);
      expect(messages.slice(0, 2).map((message) => chunkEvent(message).type)).toEqual([
        'message_start',
        'content_block_start',
      ]);
      expect(messages[2]!.headers[':message-type']).toBe('exception');
      expect(messages[2]!.headers[':exception-type']).toBe(exceptionType);
      expect(messages[2]!.payload.message).toEqual(expect.any(String));
    },
  );
});

describe('cut, malformed, hang, reset and latency', () => {
  it('cut sends afterEvents whole messages then drops the connection', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'cut', afterEvents: 2 });
    const reply = await postSigned(operationUrl(sim, 'converse-stream'), converseBody);
    expect(reply.status).toBe(200);
    expect(reply.failure).toBeDefined();
    const { messages } = decodeEventStream(reply.bytes);
    expect(messages.map((message) => message.headers[':event-type'])).toEqual(['messageStart', 'contentBlockDelta']);
    expect(sim.stats().upstreams['bedrock-a']).toMatchObject({ failed: 1 });
  });

  it('cut sends half a JSON answer', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'cut' });
    const reply = await postSigned(operationUrl(sim, 'invoke'), invokeBody);
    expect(reply.failure).toBeDefined();
    expect(reply.bytes.toString().startsWith('{"id":"msg_')).toBe(true);
    expect(() => parseJson(reply)).toThrow();
  });

  it('malformed streams a message whose CRC does not match, on both stream operations', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'malformed' });
    for (const [operation, body] of [
      ['converse-stream', converseBody],
      ['invoke-with-response-stream', invokeBody],
    ] as const) {
      const reply = await postSigned(operationUrl(sim, operation), body);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/vnd.amazon.eventstream');
      expect(() => decodeEventStream(reply.bytes)).toThrow(/checksum/);
      const firstLength = reply.bytes.readUInt32BE(0);
      const first = decodeEventStream(reply.bytes.subarray(0, firstLength)).messages[0]!;
      expect(first.headers[':event-type']).toBe(operation === 'converse-stream' ? 'messageStart' : 'chunk');
    }
  });

  it('malformed answers 200 with JSON that does not parse', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'malformed' });
    for (const [operation, body] of [
      ['converse', converseBody],
      ['invoke', invokeBody],
    ] as const) {
      const reply = await postSigned(operationUrl(sim, operation), body);
      expect(reply.status).toBe(200);
      expect(() => parseJson(reply)).toThrow();
    }
  });

  it('hang never answers; the client giving up is counted as aborted', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'hang' });
    const url = operationUrl(sim, 'converse-stream');
    const body = JSON.stringify(converseBody);
    const controller = new AbortController();
    const pending = postBytes(url, body, await signBedrockRequest(url, body), controller.signal);
    await vi.waitFor(() => expect(sim.stats().upstreams['bedrock-a']?.inFlight).toBe(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(sim.stats().upstreams['bedrock-a']).toMatchObject({ aborted: 1, inFlight: 0 }));
  });

  it('reset destroys the connection without an answer', async () => {
    const sim = await start();
    sim.faults.add({ target: 'bedrock-a', kind: 'reset' });
    const url = operationUrl(sim, 'converse');
    const body = JSON.stringify(converseBody);
    await expect(
      request(url, { method: 'POST', headers: await signBedrockRequest(url, body), body }),
    ).rejects.toThrow();
    expect(sim.stats().upstreams['bedrock-a']).toMatchObject({ failed: 1 });
  });

  it('latency holds the answer back on the injected clock (the signature is not checked for clock skew)', async () => {
    const clock = new ManualClock(0);
    const sim = await start({ clock });
    sim.faults.add({ target: 'bedrock-a', kind: 'latency', ms: 2000 });
    let settled = false;
    const pending = postSigned(operationUrl(sim, 'converse'), converseBody).finally(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(clock.pendingSleepers).toBe(1));
    await clock.advance(1999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await pending).status).toBe(200);
  });

  it('paces a binary stream message by message: first token at TTFT, one per interval after it', async () => {
    const clock = new ManualClock();
    const sim = await start({ clock });
    sim.configureUpstream('bedrock-a', { timeToFirstTokenMs: 200, tokensPerSecond: 10 });
    const startedAt = clock.now();
    const url = operationUrl(sim, 'converse-stream');
    const body = JSON.stringify(converseBody);
    const response = await request(url, { method: 'POST', headers: await signBedrockRequest(url, body), body });
    const chunks: Buffer[] = [];
    let done = false;
    const reading = (async () => {
      for await (const chunk of response.body) chunks.push(chunk as Buffer);
      done = true;
    })();
    while (!done) {
      await vi.waitFor(() => {
        if (!done && clock.pendingSleepers === 0) throw new Error('waiting for the simulator to sleep');
      });
      if (!done) await clock.runAll();
    }
    await reading;
    const { messages } = decodeEventStream(Buffer.concat(chunks));
    const outputTokens = messages.at(-1)!.payload.usage.outputTokens as number;
    expect(outputTokens).toBeGreaterThan(5);
    expect(clock.now() - startedAt).toBe(200 + (outputTokens - 1) * 100);
  });
});
