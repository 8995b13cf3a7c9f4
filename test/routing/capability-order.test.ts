// A request that needs web search, a prefill, PDF input or a large context window tries the
// deployments that have it first, and the others only after them, each group in its given order.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../src/canonical/request.js';
import { deploymentSchema, type DeploymentConfig } from '../../src/config/schema.js';
import { preferCapable, requiredCapabilities } from '../../src/routing/capability-order.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';

const deployment = (fields: Record<string, unknown>): DeploymentConfig =>
  deploymentSchema.parse({ apiKey: 'k', ...fields }) as DeploymentConfig;

const gpt = deployment({ id: 'gpt', provider: 'openai', model: 'gpt-4o', contextWindow: 128_000 });
const local = deployment({ id: 'local', provider: 'openai-compatible', model: 'llama', contextWindow: 8_000 });
const claude = deployment({ id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-6', contextWindow: 200_000 });
const bedrock = deployment({
  id: 'bedrock',
  provider: 'bedrock',
  model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
});

const ids = (request: CanonicalRequest, candidates: DeploymentConfig[]) =>
  preferCapable(candidates, request).map((candidate) => candidate.id);

describe('preferCapable', () => {
  it('leaves the order alone when every deployment can serve', () => {
    expect(ids(simpleTextRequest(), [gpt, local, claude])).toEqual(['gpt', 'local', 'claude']);
  });

  it('puts Anthropic first for a request with the web search server tool', () => {
    const request = simpleTextRequest({
      original: {
        format: 'anthropic-messages',
        body: { messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      },
    });
    expect(requiredCapabilities(request).has('web-search')).toBe(true);
    expect(ids(request, [gpt, bedrock, claude])).toEqual(['claude', 'gpt', 'bedrock']);
  });

  it('puts Claude first for an assistant prefill, and PDF-capable upstreams first for a PDF', () => {
    const prefill = simpleTextRequest({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Count' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'One, two,' }] },
      ],
    });
    expect(ids(prefill, [gpt, local, bedrock, claude])).toEqual(['bedrock', 'claude', 'gpt', 'local']);
    const pdf = simpleTextRequest({
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } }],
        },
      ],
    });
    expect(ids(pdf, [local, gpt])).toEqual(['gpt', 'local']);
  });

  it('puts deployments whose context window holds the prompt first', () => {
    const long = simpleTextRequest({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x'.repeat(60_000) }] }],
    });
    expect(ids(long, [local, gpt, claude])).toEqual(['gpt', 'claude', 'local']);
  });
});
