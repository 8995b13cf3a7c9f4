// InvokeModel with Claude: the Anthropic body adapted for Bedrock (§3.5) on both paths (a Claude
// Code body forwarded, a canonical request converted), and the Anthropic Message answer.
import { describe, expect, it } from 'vitest';
import { simpleTextRequest, toolRoundTripRequest } from '../../../test/support/canonical-fixtures.js';
import { anthropicFixtureJson } from '../../../test/fixtures/anthropic/load-fixture.js';
import { bedrockFixtureJson } from '../../../test/fixtures/bedrock/load-fixtures.js';
import { buildInvokeModelBody, convertInvokeModelResponse } from './invoke-model.js';

const model = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('buildInvokeModelBody', () => {
  it('forwards a Claude Code body without model and stream, with the Bedrock version and betas in the body', () => {
    const request = simpleTextRequest({
      stream: true,
      original: {
        format: 'anthropic-messages',
        body: anthropicFixtureJson('client-request.json') as Record<string, unknown>,
      },
      anthropicBeta: ['claude-code-20250219', 'context-1m-2025-08-07', 'effort-2025-11-24'],
    });
    const body = buildInvokeModelBody(request, model);
    expect(body).toEqual(bedrockFixtureJson('request-invoke-claude-code.json'));
    // The points of §3.5 and §8, spelled out.
    expect(body).not.toHaveProperty('model');
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('metadata');
    expect(body.anthropic_version).toBe('bedrock-2023-05-31');
    expect(JSON.stringify(body)).not.toContain('x-anthropic-billing-header');
    expect(JSON.stringify(body.messages)).not.toContain('"system"');
  });

  it('merges betas already in the body with the header ones, without duplicates', () => {
    const request = simpleTextRequest({
      original: {
        format: 'anthropic-messages',
        body: { messages: [{ role: 'user', content: 'Hi' }], anthropic_beta: ['context-1m-2025-08-07'] },
      },
      anthropicBeta: ['context-1m-2025-08-07', 'effort-2025-11-24'],
    });
    expect(buildInvokeModelBody(request, model).anthropic_beta).toEqual(['context-1m-2025-08-07', 'effort-2025-11-24']);
    const without = buildInvokeModelBody(
      simpleTextRequest({ original: { format: 'anthropic-messages', body: { messages: [] } } }),
      model,
    );
    expect(without).not.toHaveProperty('anthropic_beta');
  });

  it('converts a request from another format to the Anthropic body, adapted the same way', () => {
    const request = toolRoundTripRequest({ original: { format: 'openai-chat', body: {} }, userId: 'user-7' });
    const expected: Record<string, unknown> = {
      ...(anthropicFixtureJson('request-tool-round-trip.json') as Record<string, unknown>),
    };
    delete expected.model;
    delete expected.stream;
    expect(buildInvokeModelBody(request, model)).toEqual({ ...expected, anthropic_version: 'bedrock-2023-05-31' });
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
