// The bridging table: what Bedrock and Vertex receive of a Claude Code request, and what is reported
// as removed; and the 400s those platforms answer for what they lack, classified as their own kind.
import { describe, expect, it } from 'vitest';
import { parseAnthropicError } from '../anthropic/anthropic-error.js';
import { parseBedrockError } from '../bedrock/bedrock-error.js';
import { parseOpenAIError } from '../openai/openai-error.js';
import { parseVertexError } from '../vertex/vertex-error.js';
import { withoutAttribution } from './attribution-block.js';
import { bridgeToClaudePlatform, claudePlatformSupport } from './claude-platforms.js';

/** The betas Claude Code 2.1 sends on a turn (docs/protocols/claude-code.md). */
const claudeCodeBetas = [
  'claude-code-20250219',
  'context-1m-2025-08-07',
  'interleaved-thinking-2025-05-14',
  'context-management-2025-06-27',
  'effort-2025-11-24',
  'prompt-caching-scope-2026-01-05',
  'mid-conversation-system-2026-04-01',
  'thinking-token-count-2026-05-01',
  'advanced-tool-use-2025-11-20',
];

const claudeCodeBody = {
  model: 'claude-sonnet-4-6',
  max_tokens: 32000,
  stream: true,
  thinking: { type: 'adaptive' },
  context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
  output_config: { effort: 'high' },
  metadata: { user_id: 'u'.repeat(150) },
  system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332; cch=1;' }],
  messages: [
    { role: 'user', content: 'one' },
    { role: 'system', content: 'Plan mode.' },
    { role: 'user', content: 'two' },
  ],
};

describe('bridgeToClaudePlatform', () => {
  it.each(['bedrock', 'vertex'] as const)(
    'never sends %s a first-party-only beta or context_management',
    (platform) => {
      const bridged = bridgeToClaudePlatform(platform, claudeCodeBody, claudeCodeBetas, ['model', 'stream']);
      for (const firstPartyOnly of [
        'claude-code-20250219',
        'context-1m-2025-08-07',
        'prompt-caching-scope-2026-01-05',
        'mid-conversation-system-2026-04-01',
        'thinking-token-count-2026-05-01',
        'context-management-2025-06-27',
      ]) {
        expect(bridged.betas).not.toContain(firstPartyOnly);
        expect(bridged.removed).toContain(`beta=${firstPartyOnly}`);
      }
      expect(bridged.body).not.toHaveProperty('context_management');
      expect(bridged.removed).toContain('field=context_management');
      // Tool search has the platforms' own name; interleaved thinking is taken as it is.
      expect(bridged.betas).toEqual(
        platform === 'bedrock'
          ? ['interleaved-thinking-2025-05-14', 'effort-2025-11-24', 'tool-search-tool-2025-10-19']
          : ['interleaved-thinking-2025-05-14', 'tool-search-tool-2025-10-19'],
      );
      expect(bridged.changed).toContain('advanced-tool-use-2025-11-20→tool-search-tool-2025-10-19');
      // The attribution block stays for Claude; system turns are hoisted after the client's own blocks.
      expect(bridged.body.system).toEqual([
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332; cch=1;' },
        { type: 'text', text: 'Plan mode.' },
      ]);
      expect(bridged.body.messages).toEqual([
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
      ]);
      // Only what the table lists survives; the caller's own platform edits are not reported.
      for (const field of Object.keys(bridged.body))
        expect(claudePlatformSupport[platform].bodyFields).toContain(field);
      expect(bridged.removed.some((entry) => entry === 'field=model')).toBe(false);
    },
  );

  it('keeps what each platform takes: Bedrock effort (output_config), Vertex stream and metadata', () => {
    const bedrock = bridgeToClaudePlatform('bedrock', claudeCodeBody, [], ['model', 'stream']);
    expect(bedrock.body.output_config).toEqual({ effort: 'high' });
    expect(bedrock.removed).toEqual(['field=context_management', 'field=metadata']);
    const vertex = bridgeToClaudePlatform('vertex', claudeCodeBody, [], ['model']);
    expect(vertex.body.stream).toBe(true);
    expect(vertex.body.metadata).toEqual(claudeCodeBody.metadata);
    expect(vertex.removed).toEqual(['field=context_management', 'field=output_config']);
  });

  it('reports a repeated beta once and leaves a request with nothing to remove untouched', () => {
    const body = { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const bridged = bridgeToClaudePlatform('bedrock', body, ['claude-code-20250219', ' claude-code-20250219', '']);
    expect(bridged.removed).toEqual(['beta=claude-code-20250219']);
    expect(bridgeToClaudePlatform('vertex', body, [])).toEqual({ body, betas: [], removed: [], changed: [] });
  });
});

describe('the attribution block', () => {
  it('is removed for non-Claude upstreams, wherever it sits in system', () => {
    const parts = [
      { type: 'text' as const, text: 'You are Claude Code.' },
      { type: 'text' as const, text: '  x-anthropic-billing-header: cc_version=2.1.332;' },
    ];
    expect(withoutAttribution(parts)).toEqual([parts[0]]);
  });
});

describe('a 400 for something the platform lacks is unsupported-feature', () => {
  it.each([
    [
      'Bedrock invalid beta flag',
      parseBedrockError(
        400,
        { 'x-amzn-errortype': 'ValidationException' },
        '{"message":"The model returned the following errors: invalid beta flag"}',
      ),
    ],
    [
      'Vertex (Anthropic body) unknown beta',
      parseVertexError(
        400,
        {},
        '{"type":"error","error":{"type":"invalid_request_error","message":"Unexpected value(s) `claude-code-20250219` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header."}}',
      ),
    ],
    [
      'Anthropic-format extra field',
      parseAnthropicError(
        400,
        {},
        '{"type":"error","error":{"type":"invalid_request_error","message":"context_management: Extra inputs are not permitted"}}',
      ),
    ],
    [
      'OpenAI unsupported parameter',
      parseOpenAIError(
        'openai',
        400,
        {},
        '{"error":{"message":"Unsupported parameter: \'reasoning_effort\' is not supported with this model.","type":"invalid_request_error","param":"reasoning_effort","code":"unsupported_parameter"}}',
      ),
    ],
  ])('%s', (_name, error) => {
    expect(error.kind).toBe('unsupported-feature');
  });

  it('leaves a genuine client error an invalid request', () => {
    const error = parseAnthropicError(
      400,
      {},
      '{"type":"error","error":{"type":"invalid_request_error","message":"messages: at least one message is required"}}',
    );
    expect(error.kind).toBe('invalid-request');
  });
});
