// The ingress against the real `openai` SDK: a tiny node:http server parses what the SDK sends
// with parseOpenAIChatRequest and answers through the writers, and the SDK's strict stream helper
// (`chat.completions.stream().finalChatCompletion()`) must reassemble the right message.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import {
  errorMidStream,
  parallelToolCallStream,
  textStream,
  thinkingStream,
} from '../../../test/fixtures/openai-ingress/canonical-streams.js';
import { parseOpenAIChatRequest } from './parse-request.js';
import { openAIErrorResponse } from './write-error.js';
import { toOpenAIChatResponse } from './write-response.js';
import { createOpenAIChatStreamWriter } from './write-stream.js';

type Answer =
  | { kind: 'stream'; events: CanonicalStreamEvent[] }
  | { kind: 'json'; response: CanonicalResponse }
  | { kind: 'error'; error: GatewayError };

interface TestServer {
  client: OpenAI;
  /** Canonical requests the server parsed, in arrival order. */
  received: CanonicalRequest[];
  close(): Promise<void>;
}

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function startServer(answer: Answer): Promise<TestServer> {
  const received: CanonicalRequest[] = [];
  const httpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const sendError = (error: GatewayError) => {
        const { status, headers, body } = openAIErrorResponse(error, 'req_test');
        response.writeHead(status, headers).end(JSON.stringify(body));
      };
      let canonical: CanonicalRequest;
      try {
        canonical = parseOpenAIChatRequest(await readJson(request), request.headers);
      } catch (error) {
        if (!GatewayError.isInstance(error)) throw error;
        sendError(error);
        return;
      }
      received.push(canonical);
      if (answer.kind === 'error') {
        sendError(answer.error);
        return;
      }
      if (answer.kind === 'json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(toOpenAIChatResponse(answer.response, canonical.model, 1_700_000_000)));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const writer = createOpenAIChatStreamWriter(
        { write: (chunk) => response.write(chunk), end: () => response.end() },
        canonical.model,
        { includeUsage: canonical.includeUsage ?? false, createdSeconds: 1_700_000_000 },
      );
      for (const event of answer.events) writer.write(event);
      // A sequence without finish or error would leave the response open: never let a test hang on it.
      if (!writer.done) response.end();
    })();
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'test', maxRetries: 2 });
  server = {
    client,
    received,
    close: () => new Promise<void>((resolve) => httpServer.close(() => resolve())),
  };
  return server;
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('the openai SDK against the OpenAI ingress', () => {
  it('reassembles a streamed text answer with usage', async () => {
    const { client, received } = await startServer({ kind: 'stream', events: textStream() });
    const stream = client.chat.completions.stream({
      model: 'my-route',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.model).toBe('my-route');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]?.message.content).toBe('Hello, world');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 5, total_tokens: 20 });
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
    expect(received[0]).toMatchObject({
      model: 'my-route',
      stream: true,
      includeUsage: true,
      system: [{ type: 'text', text: 'Be brief.' }],
    });
  });

  it('reassembles two parallel tool calls with their full arguments, without usage when not asked', async () => {
    const { client, received } = await startServer({ kind: 'stream', events: parallelToolCallStream() });
    const stream = client.chat.completions.stream({
      model: 'my-route',
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      tools: [weatherTool],
      tool_choice: 'required',
      parallel_tool_calls: true,
    });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBe('Let me check both.');
    expect(message?.tool_calls).toEqual([
      { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_tokyo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ]);
    expect(completion.usage).toBeUndefined();
    expect(received[0]?.toolChoice).toEqual({ type: 'any' });
    expect(received[0]?.tools?.[0]?.name).toBe('get_weather');
  });

  it('accepts a stream with reasoning_content and a length finish', async () => {
    const { client } = await startServer({ kind: 'stream', events: thinkingStream() });
    const completion = await client.chat.completions
      .stream({
        model: 'my-route',
        messages: [{ role: 'user', content: '6*7?' }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('42');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(12);
  });

  it('makes the SDK throw on an error mid-stream', async () => {
    const { client } = await startServer({ kind: 'stream', events: errorMidStream() });
    const stream = client.chat.completions.stream({
      model: 'my-route',
      messages: [{ role: 'user', content: 'Hi' }],
      stream_options: { include_usage: true },
    });
    const failure = await stream.finalChatCompletion().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('Overloaded');
    expect((failure as APIError).code).toBe('overloaded_error');
    expect((failure as APIError).type).toBe('service_unavailable');
  });

  it('reads a non-streaming answer with tool calls', async () => {
    const { client } = await startServer({
      kind: 'json',
      response: {
        id: 'msg_1',
        content: [{ type: 'tool-call', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
        finishReason: 'tool-use',
        usage: { inputTokens: 10, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    });
    const completion = await client.chat.completions.create({
      model: 'my-route',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
    });
    expect(completion.model).toBe('my-route');
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls?.[0]).toEqual({
      id: 'toolu_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(completion.usage?.total_tokens).toBe(13);
  });

  it('turns an error answer into the SDK error class, and x-should-retry: false stops its retries', async () => {
    const { client, received } = await startServer({
      kind: 'error',
      error: new GatewayError({
        status: 503,
        code: 'SWITCHYARD_ALL_DEPLOYMENTS_FAILED',
        message: 'Every deployment of my-route failed',
        shouldRetry: false,
      }),
    });
    const failure = await client.chat.completions
      .create({ model: 'my-route', messages: [{ role: 'user', content: 'Hi' }] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as APIError).status).toBe(503);
    expect((failure as APIError).code).toBe('switchyard_all_deployments_failed');
    expect((failure as APIError).requestID).toBe('req_test');
    // maxRetries is 2 and 503 is retryable, so only the header kept it to one request.
    expect(received).toHaveLength(1);
  });

  it('turns an invalid request into a BadRequestError naming the param', async () => {
    const { client, received } = await startServer({ kind: 'stream', events: textStream() });
    const failure = await client.chat.completions
      .create({ model: 'my-route', messages: [{ role: 'user', content: 'Hi' }], n: 3 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as APIError).param).toBe('n');
    expect((failure as APIError).code).toBe('switchyard_invalid_request');
    expect((failure as APIError).message).toContain('one choice');
    expect(received).toHaveLength(0);
  });
});
