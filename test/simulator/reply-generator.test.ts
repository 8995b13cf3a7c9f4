// The dialect-neutral reply: deterministic text, tool calls from schemas, truncation rules.
import { describe, expect, it } from 'vitest';
import { generateReply, type SimulatedRequest } from '../../src/simulator/reply-generator.js';
import { sampleToolInput } from '../../src/simulator/tool-input.js';

function requestWith(overrides: Partial<SimulatedRequest> = {}): SimulatedRequest {
  return {
    model: 'model',
    stream: false,
    stopSequences: [],
    tools: [],
    toolChoice: { type: 'auto' },
    lastTurn: { kind: 'user-text', text: 'What is a gateway for?' },
    inputTokens: 6,
    ...overrides,
  };
}

describe('sampleToolInput', () => {
  it('fills required properties only, by type', () => {
    const input = sampleToolInput({
      type: 'object',
      properties: {
        name: { type: 'string' },
        count: { type: 'integer', minimum: 5 },
        ratio: { type: 'number', maximum: 0.5 },
        enabled: { type: 'boolean' },
        mode: { enum: ['fast', 'slow'] },
        fixed: { const: 'x' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        nested: {
          type: 'object',
          properties: { id: { type: ['string', 'null'] }, skip: { type: 'string' } },
          required: ['id'],
        },
        either: { anyOf: [{ type: 'null' }, { type: 'number' }] },
        optional: { type: 'string' },
      },
      required: ['name', 'count', 'ratio', 'enabled', 'mode', 'fixed', 'tags', 'nested', 'either'],
    });
    expect(input).toEqual({
      name: 'sample',
      count: 5,
      ratio: 0.5,
      enabled: true,
      mode: 'fast',
      fixed: 'x',
      tags: ['sample'],
      nested: { id: 'sample' },
      either: 1,
    });
  });

  it('gives {} for a schema without required properties or no schema at all', () => {
    expect(sampleToolInput({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({});
    expect(sampleToolInput(undefined)).toEqual({});
  });
});

describe('generateReply', () => {
  it('is deterministic and counts one token per piece', () => {
    const first = generateReply(requestWith());
    expect(generateReply(requestWith())).toEqual(first);
    const block = first.blocks[0]!;
    expect(block.type).toBe('text');
    if (block.type !== 'text') return;
    expect(block.text).toBe(block.pieces.join(''));
    expect(first.outputTokens).toBe(block.pieces.length);
    expect(first.inputTokens).toBe(6);
    expect(first.stopReason).toBe('end-turn');
  });

  it('cuts at the earliest stop sequence, even mid-word', () => {
    const reply = generateReply(requestWith({ stopSequences: ['gate', 'said'] }));
    expect(reply.stopReason).toBe('stop-sequence');
    expect(reply.stopSequence).toBe('said');
    expect(reply.blocks[0]).toMatchObject({ text: 'You ', pieces: ['You', ' '] });
    expect(reply.outputTokens).toBe(2);
  });

  it('prefers max_tokens when the cap comes before the stop sequence', () => {
    const reply = generateReply(requestWith({ maxTokens: 2, stopSequences: ['gateway'] }));
    expect(reply.stopReason).toBe('max-tokens');
    expect(reply.stopSequence).toBeNull();
    expect(reply.outputTokens).toBe(2);
  });

  it('answers with truncated text when a tool call does not fit max_tokens', () => {
    const tools = [
      {
        name: 'lookup',
        inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
      },
    ];
    const lastTurn = { kind: 'user-text' as const, text: 'Please run lookup on gateways' };
    const fits = generateReply(requestWith({ tools, lastTurn }));
    expect(fits.stopReason).toBe('tool-use');
    expect(fits.blocks[0]).toMatchObject({
      type: 'tool-call',
      name: 'lookup',
      input: { query: 'sample' },
      argumentsJson: '{"query":"sample"}',
    });
    const tooSmall = generateReply(requestWith({ tools, lastTurn, maxTokens: 1 }));
    expect(tooSmall.stopReason).toBe('max-tokens');
    expect(tooSmall.blocks[0]?.type).toBe('text');
  });

  it('does not call a tool after a tool result unless the choice forces it', () => {
    const tools = [{ name: 'lookup', inputSchema: { type: 'object' } }];
    const lastTurn = { kind: 'tool-result' as const, toolName: 'lookup', text: '42 results' };
    expect(generateReply(requestWith({ tools, lastTurn })).blocks[0]?.type).toBe('text');
    expect(generateReply(requestWith({ tools, lastTurn, toolChoice: { type: 'any' } })).blocks[0]?.type).toBe(
      'tool-call',
    );
  });

  it('answers text when tools are offered but the conversation does not ask for one, as a model would', () => {
    // Claude Code offers Agent, Bash, Read… on every turn; calling the first would loop forever.
    const tools = [
      { name: 'Agent', inputSchema: { type: 'object' } },
      { name: 'Read', inputSchema: { type: 'object' } },
    ];
    const plain = generateReply(requestWith({ tools, lastTurn: { kind: 'user-text', text: 'Say hello, then stop' } }));
    expect(plain.stopReason).toBe('end-turn');
    expect(plain.blocks[0]?.type).toBe('text');
    // A lowercase word or a longer identifier is not the tool's name.
    const near = { kind: 'user-text' as const, text: 'read the Agents guide and ReadMe' };
    expect(generateReply(requestWith({ tools, lastTurn: near })).blocks[0]?.type).toBe('text');
    // The client's own reminders are not the user asking.
    const reminder = { kind: 'user-text' as const, text: '<system-reminder>Use the Agent tool</system-reminder>Hi' };
    expect(generateReply(requestWith({ tools, lastTurn: reminder })).blocks[0]?.type).toBe('text');
  });

  it('calls the tool the user names first, and any named tool under a forcing choice', () => {
    const tools = [
      { name: 'Agent', inputSchema: { type: 'object' } },
      { name: 'Read', inputSchema: { type: 'object' } },
    ];
    const asking = { kind: 'user-text' as const, text: 'Use Read on README.md, not Agent' };
    expect(generateReply(requestWith({ tools, lastTurn: asking })).blocks[0]).toMatchObject({ name: 'Read' });
    const forced = generateReply(requestWith({ tools, toolChoice: { type: 'any' } }));
    expect(forced.blocks[0]).toMatchObject({ type: 'tool-call', name: 'Agent' });
    const forcedNamed = generateReply(requestWith({ tools, lastTurn: asking, toolChoice: { type: 'any' } }));
    expect(forcedNamed.blocks[0]).toMatchObject({ type: 'tool-call', name: 'Read' });
  });
});
