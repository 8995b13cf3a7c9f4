// InvokeModel with Claude: the Anthropic body adapted for Bedrock (§3.5) on both paths (a Claude
// Code body forwarded, a canonical request converted), and the Anthropic Message answer.
import { describe, expect, it } from 'vitest';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { bedrockFixtureJson } from '../../../test/fixtures/bedrock/load-fixtures.js';
import { buildInvokeModelBody, convertInvokeModelResponse } from './invoke-model.js';

const model = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('buildInvokeModelBody', () => {
  it('forwards a Claude Code body bridged to Bedrock: no model, stream or first-party-only betas and fields', () => {
    const request = simpleTextRequest({
      stream: true,
      original: {
        format: 'anthropic-messages',
        body: anthropicFixtureJson('client-request.json') as Record<string, unknown>,
      },
      anthropicBeta: ['claude-code-20250219', 'context-1m-2025-08-07', 'effort-2025-11-24'],
    });
    const { body, removed, changed } = buildInvokeModelBody(request, model);
    expect(body).toEqual(bedrockFixtureJson('request-invoke-claude-code.json'));
    // The points of §3.5 and §8, spelled out.
    expect(body).not.toHaveProperty('model');
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('metadata');
    expect(body).not.toHaveProperty('context_management');
    expect(body.anthropic_version).toBe('bedrock-2023-05-31');
    expect(body.anthropic_beta).toEqual(['effort-2025-11-24']);
    // Claude Code's attribution block is Claude's to see: kept.
    expect(JSON.stringify(body.system)).toContain('x-anthropic-billing-header');
    expect(JSON.stringify(body.messages)).not.toContain('"system"');
    // What was not sent is reported (model and stream are the platform's own edits, not reported).
    expect(removed).toEqual([
      'beta=claude-code-20250219',
      'beta=context-1m-2025-08-07',
      'field=context_management',
      'field=metadata',
    ]);
    expect(changed).toEqual(['messages[role=system]→system']);
  });

  it('merges betas already in the body with the header ones, without duplicates', () => {
    const request = simpleTextRequest({
      original: {
        format: 'anthropic-messages',
        body: { messages: [{ role: 'user', content: 'Hi' }], anthropic_beta: ['interleaved-thinking-2025-05-14'] },
      },
      anthropicBeta: ['interleaved-thinking-2025-05-14', 'effort-2025-11-24'],
    });
    expect(buildInvokeModelBody(request, model).body.anthropic_beta).toEqual([
      'interleaved-thinking-2025-05-14',
      'effort-2025-11-24',
    ]);
    const without = buildInvokeModelBody(
      simpleTextRequest({ original: { format: 'anthropic-messages', body: { messages: [] } } }),
      model,
    );
    expect(without.body).not.toHaveProperty('anthropic_beta');
  });

  it('converts a request from another format to the Anthropic body, adapted the same way', () => {
    const request = toolRoundTripRequest({ original: { format: 'openai-chat', body: {} }, userId: 'user-7' });
    const expected: Record<string, unknown> = {
      ...(anthropicFixtureJson('request-tool-round-trip.json') as Record<string, unknown>),
    };
    delete expected.model;
    delete expected.stream;
    // The converted body's end-user id is first-party only: removed, and said so.
    delete expected.metadata;
    const bridged = buildInvokeModelBody(request, model);
    expect(bridged.body).toEqual({ ...expected, anthropic_version: 'bedrock-2023-05-31' });
    expect(bridged.removed).toEqual(['field=metadata']);
  });
});

describe('convertInvokeModelResponse', () => {
  it('reads the Anthropic Message Bedrock answers with', () => {
    expect(convertInvokeModelResponse(bedrockFixtureJson('invoke-response.json'))).toEqual({
      id: 'msg_bdrk_01XFDUDYJgAACzvnptvVoYEL',
      upstreamModel: 'claude-opus-4-6',
      content: [{ type: 'text', text: 'Hello! How can I help?' }],
      finishReason: 'end-turn',
      rawFinishReason: 'end_turn',
      stopSequence: null,
      usage: { inputTokens: 21, outputTokens: 12, cacheReadTokens: 1024, cacheWriteTokens: 100 },
    });
  });
});
