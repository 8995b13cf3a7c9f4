// The simulated model loads a deferred tool through ToolSearch before calling it, as Claude Code's
// tool list requires (WebSearch, WebFetch, … are offered by name only), and answers with the
// sources a tool result carried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { anthropicBody, anthropicHeaders, postJson } from './simulator-client.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const toolSearch = {
  name: 'ToolSearch',
  description: 'Fetches full schema definitions for deferred tools.',
  input_schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};
const webSearch = {
  name: 'WebSearch',
  description: 'Searches the web.',
  input_schema: { type: 'object', properties: { query: { type: 'string', minLength: 2 } }, required: ['query'] },
  defer_loading: true,
};
const reminder =
  '<system-reminder>\nThe following deferred tools are available. Use ToolSearch with query "select:<name>" to load them:\nWebFetch\nWebSearch\n</system-reminder>';
const asking = {
  role: 'user',
  content: [
    { type: 'text', text: reminder },
    { type: 'text', text: 'Use WebSearch to find tide tables.' },
  ],
};

const ask = (messages: unknown[], tools: unknown[]) =>
  postJson(`${simulator.url}/u/claude-deferred/v1/messages`, anthropicBody({ messages, tools }), anthropicHeaders);

describe('deferred tools', () => {
  it('calls ToolSearch for a tool offered only by name, then the tool once it is loaded, then answers with its sources', async () => {
    const first = await ask([asking], [toolSearch]);
    expect(first.json.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'ToolSearch', input: { query: 'select:WebSearch' } }),
    ]);
    const searchCall = first.json.content[0];
    const loaded = [
      asking,
      { role: 'assistant', content: [searchCall] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: searchCall.id,
            content: [{ type: 'tool_reference', tool_name: 'WebSearch' }],
          },
          { type: 'text', text: 'Tool loaded.' },
        ],
      },
    ];
    const second = await ask(loaded, [toolSearch, webSearch]);
    expect(second.json.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'WebSearch', input: { query: 'tide tables' } }),
    ]);
    const webCall = second.json.content[0];
    const third = await ask(
      [
        ...loaded,
        { role: 'assistant', content: [webCall] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: webCall.id, content: 'Links: [{"url":"https://example.org/tides-1"}]' },
          ],
        },
      ],
      [toolSearch, webSearch],
    );
    expect(third.json.stop_reason).toBe('end_turn');
    expect(third.json.content[0].text).toContain('Sources: https://example.org/tides-1');
  });

  it('answers with text when the named tool is neither offered nor deferred', async () => {
    const reply = await ask([{ role: 'user', content: 'Use Telescope to look at the moon.' }], [toolSearch]);
    expect(reply.json.content.map((block: { type: string }) => block.type)).toEqual(['text']);
  });
});
