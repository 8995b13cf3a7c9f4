// Bridging a translated request to its deployment: output cap, identifier length, tool call ids, reasoning.
import { describe, expect, it } from 'vitest';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';
import type { DeploymentTarget } from '../adapter.js';
import { fitIdentifier, fitRequestToDeployment, fitToolCallId } from './fit-request.js';
import type { CanonicalMessage } from '../../canonical/request.js';
import { modelProfile, wellKnownProfile } from './model-profiles.js';

function target(overrides: Partial<DeploymentTarget>): DeploymentTarget {
  return { id: 'd', provider: 'openai', model: 'gpt-4o', baseUrl: 'http://127.0.0.1', headers: {}, ...overrides };
}

const claudeCodeUserId = JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: 's'.repeat(36) });

describe('fitRequestToDeployment', () => {
  it("fits Claude Code's request to gpt-4o: max_tokens clamped, user id hashed, reasoning dropped", () => {
    const request = simpleTextRequest({ maxTokens: 32_000, userId: claudeCodeUserId, reasoningEffort: 'high' });
    expect(claudeCodeUserId.length).toBeGreaterThan(64);
    const { request: fitted, report } = fitRequestToDeployment(request, target({}));
    expect(fitted.maxTokens).toBe(16_384);
    expect(fitted.userId!.length).toBeLessThanOrEqual(64);
    expect(fitted.userId).toBe(fitIdentifier(claudeCodeUserId, 64));
    expect(fitted.reasoningEffort).toBeUndefined();
    expect(report).toEqual({
      removed: ['field=reasoning_effort'],
      changed: ['max_tokens 32000→16384', `user id ${claudeCodeUserId.length} chars→hashed`],
    });
  });

  it('keeps what fits, reasoning for a reasoning model, and what config declares over the table', () => {
    const request = simpleTextRequest({ maxTokens: 32_000, userId: 'short-user', reasoningEffort: 'high' });
    const gpt5 = fitRequestToDeployment(request, target({ model: 'gpt-5' }));
    expect(gpt5.request).toEqual(request);
    expect(gpt5.report).toEqual({ removed: [], changed: [] });
    const declared = fitRequestToDeployment(
      request,
      target({ provider: 'openai-compatible', model: 'local-llama', maxOutputTokens: 4_096, reasoning: true }),
    );
    expect(declared.request.maxTokens).toBe(4_096);
    expect(declared.request.reasoningEffort).toBe('high');
  });

  it('keeps a thinking budget below a clamped cap, and drops thinking for a model that does not reason', () => {
    const request = simpleTextRequest({ maxTokens: 64_000, thinking: { type: 'enabled', budgetTokens: 40_000 } });
    const opus = fitRequestToDeployment(
      request,
      target({ provider: 'bedrock', model: 'us.anthropic.claude-opus-4-1-20250805-v1:0' }),
    );
    expect(opus.request.maxTokens).toBe(32_000);
    expect(opus.request.thinking).toEqual({ type: 'enabled', budgetTokens: 16_000 });
    const flash = fitRequestToDeployment(request, target({ provider: 'gemini', model: 'gemini-2.0-flash' }));
    expect(flash.request.thinking).toBeUndefined();
    expect(flash.report.removed).toEqual(['field=thinking']);
  });

  it('hashes identifiers deterministically and distinctly', () => {
    expect(fitIdentifier('a'.repeat(100), 64)).toBe(fitIdentifier('a'.repeat(100), 64));
    expect(fitIdentifier('a'.repeat(100), 64)).not.toBe(fitIdentifier('b'.repeat(100), 64));
    expect(fitIdentifier('short', 64)).toBe('short');
  });
});

describe('model profiles', () => {
  it.each([
    ['gpt-4o-mini', 16_384, false],
    ['gpt-4.1-2025-04-14', 32_768, false],
    ['o3-mini', 100_000, true],
    ['models/gemini-2.5-pro', 65_536, true],
    ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 8_192, false],
    ['claude-sonnet-4-5@20250929', 64_000, true],
  ])('%s: %i output tokens, reasoning %s', (model, maxOutputTokens, reasoning) => {
    expect(wellKnownProfile(model)).toEqual({ maxOutputTokens, reasoning });
  });

  it('knows no limit for an unknown model, and takes only Claude to reason', () => {
    expect(modelProfile('my-local-model')).toEqual({ reasoning: false });
    expect(modelProfile('claude-next')).toEqual({ reasoning: true });
    expect(wellKnownProfile('pro-o1x')).toBeUndefined();
  });

  it('hashes tool call ids the target refuses, the same on the call and on its result', () => {
    // A Responses-style id (53 characters) is too long for Chat Completions; a Gemini-style id with
    // a dot does not match Claude's pattern; OpenAI's own short ids pass everywhere.
    const longId = 'fc_0f0e50a1476a6c35006912c58dc9f8819192c25864eb16f07f';
    const dottedId = 'call.7f3a';
    const conversation: CanonicalMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Bergen?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: longId, name: 'weather', input: { city: 'Oslo' } },
          { type: 'tool-call', id: dottedId, name: 'weather', input: { city: 'Bergen' } },
          { type: 'tool-call', id: 'call_abc123', name: 'weather', input: { city: 'Tromsø' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', toolCallId: longId, content: [{ type: 'text', text: '4°C' }], isError: false },
          { type: 'tool-result', toolCallId: dottedId, content: [{ type: 'text', text: '6°C' }], isError: false },
          { type: 'tool-result', toolCallId: 'call_abc123', content: [{ type: 'text', text: '1°C' }], isError: false },
        ],
      },
    ];
    const request = { ...simpleTextRequest(), messages: conversation };
    const ids = (messages: CanonicalMessage[]) =>
      messages.flatMap((message) =>
        message.content.flatMap((part) =>
          part.type === 'tool-call' ? [part.id] : part.type === 'tool-result' ? [part.toolCallId] : [],
        ),
      );

    const toOpenAI = fitRequestToDeployment(request, target({ model: 'gpt-5' }));
    const openAIIds = ids(toOpenAI.request.messages);
    expect(openAIIds.every((id) => id.length <= 40)).toBe(true);
    expect(openAIIds).toEqual([
      fitToolCallId(longId, { maximum: 40 }),
      dottedId,
      'call_abc123',
      fitToolCallId(longId, { maximum: 40 }),
      dottedId,
      'call_abc123',
    ]);
    expect(openAIIds[0]).not.toBe(longId);
    expect(toOpenAI.report.changed).toEqual(['1 tool call ids→hashed']);

    const toClaude = fitRequestToDeployment(request, target({ provider: 'anthropic', model: 'claude-sonnet-4-6' }));
    const claudeIds = ids(toClaude.request.messages);
    expect(claudeIds.every((id) => /^[a-zA-Z0-9_-]+$/.test(id))).toBe(true);
    expect(claudeIds[0]).toBe(longId);
    expect(claudeIds[1]).not.toBe(dottedId);
    expect(claudeIds[4]).toBe(claudeIds[1]);
    expect(toClaude.report.changed).toEqual(['1 tool call ids→hashed']);

    const untouched = fitRequestToDeployment(request, target({ provider: 'gemini', model: 'gemini-2.5-pro' }));
    expect(untouched.request.messages).toBe(request.messages);
  });
});
