// An Anthropic-format client against Gemini, through the real ingress pieces on either side of the
// adapter: Claude Code's request body → the Gemini request, and a Gemini tool-call stream → the
// Anthropic SSE the client reads (tool_use block, toolu_ id, input JSON, stop_reason tool_use).
import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import { parseAnthropicRequest } from '../../ingress/anthropic-messages/parse-request.js';
import { createAnthropicStreamWriter } from '../../ingress/anthropic-messages/write-stream.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { geminiFixtureBytes, geminiTarget } from '../../../test/fixtures/gemini/load-fixtures.js';
import { geminiAdapter } from './adapter.js';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

describe('an Anthropic client against Gemini', () => {
  it("sends Claude Code's request as a Gemini request Gemini accepts", async () => {
    const request = parseAnthropicRequest(anthropicFixtureJson('client-request.json'), {});
    const wire = await geminiAdapter.buildRequest(request, geminiTarget);
    expect(wire.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    const body = JSON.parse(wire.body ?? '{}');
    expect(body.systemInstruction).toEqual({
      parts: [{ text: 'You are Claude Code.' }, { text: 'The user switched to plan mode.' }],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Read README.md' }] },
      { role: 'model', parts: [{ functionCall: { name: 'Read', args: { path: 'README.md' }, id: 'toolu_01' } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'Read', response: { content: '# Switchyard' }, id: 'toolu_01' } }],
      },
    ]);
    // The server tool (web_search) has no Gemini form; the custom tool's schema is sanitised.
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'Read',
            description: 'Reads a file',
            parameters: { type: 'object', properties: { path: { type: 'string' } } },
          },
        ],
      },
    ]);
    expect(body.generationConfig).toEqual({ maxOutputTokens: 32000, thinkingConfig: { includeThoughts: true } });
  });

  it('streams a Gemini function call to the client as a well-formed tool_use block', async () => {
    const request = parseAnthropicRequest(
      { ...(anthropicFixtureJson('client-request.json') as object), model: 'sonnet' },
      {},
    );
    const written: string[] = [];
    const writer = createAnthropicStreamWriter(
      { write: (chunk) => written.push(String(chunk)), end: () => undefined },
      'sonnet',
    );
    const events: CanonicalStreamEvent[] = [];
    for await (const event of geminiAdapter.parseStream(once(geminiFixtureBytes('tool-call.sse.txt')), request)) {
      events.push(event);
      writer.write(event);
    }
    const sse = written.join('');
    const payloads = sse
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    expect(payloads.map((payload) => payload.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const toolStart = payloads[4] as { content_block: { type: string; id: string; name: string } };
    expect(toolStart.content_block).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      id: expect.stringMatching(/^toolu_/),
    });
    expect(JSON.parse((payloads[5] as { delta: { partial_json: string } }).delta.partial_json)).toEqual({
      city: 'Paris',
    });
    expect(payloads[7]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 22 } });
  });
});
