// Real Claude Code (headless) through Switchyard, with its real requests (its betas, its long
// metadata.user_id, max_tokens in the tens of thousands, context_management, system turns): failover
// from Anthropic to simulated Bedrock Claude and to simulated OpenAI succeeds because bridging fits
// the request to each; a sticky 429 reaches Claude Code as a rate limit, not as an overload; its
// WebSearch (loaded through ToolSearch, then run as its own request with Anthropic's web search server
// tool) keeps its sources. The simulated upstreams refuse what the real platforms refuse.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeDirectAndBedrock, simulatorControl } from '../support/simulator-setup.js';
import type { RunningGateway } from '../../src/server/gateway.js';
import type { RunningSimulator } from '../../src/simulator/simulator.js';
import { startSimulatedGateway } from '../support/simulated-gateway.js';
import { runClaudeCode } from '../support/claude-code.js';

let simulator: RunningSimulator;
let gateway: RunningGateway;

const control = (method: string, path: string, body?: unknown) =>
  simulatorControl(simulator.url)(method, path, body).then(
    (response) => response.json() as Promise<Record<string, any>>,
  );

interface Recorded {
  headers: Record<string, string>;
  body: Record<string, any>;
}

const recorded = async (name: string): Promise<Recorded[]> =>
  ((await control('GET', `/_sim/requests/${name}?all=true`)).requests ?? []) as Recorded[];

beforeAll(async () => {
  ({ simulator, gateway } = await startSimulatedGateway(11, (sim) => ({
    deployments: [
      ...claudeDirectAndBedrock(sim),
      { id: 'gpt', provider: 'openai', model: 'gpt-4o', baseUrl: `${sim}/u/gpt/v1`, apiKey: 'sim-openai-key' },
    ],
    routes: [
      { name: 'claude-sonnet-4-6', deployments: ['claude-direct', 'claude-bedrock'] },
      { name: 'claude-opus-4-6', deployments: ['claude-direct', 'gpt'] },
    ],
    timeouts: { requestMs: 30_000, connectMs: 1_000, firstTokenMs: 10_000 },
    health: { enabled: false },
  })));
});

afterAll(async () => {
  await gateway?.close();
  await simulator?.close();
});

beforeEach(async () => {
  await control('DELETE', '/_sim/faults');
  await control('DELETE', '/_sim/stats');
});

function claudeCode(prompt: string, model: string, extraArgs: string[] = [], env: Record<string, string> = {}) {
  return runClaudeCode({
    prompt,
    env: { ANTHROPIC_BASE_URL: gateway.url, ANTHROPIC_API_KEY: 'client-key', ...env },
    args: ['--model', model, ...extraArgs],
    timeoutMs: 90_000,
  });
}

/** The turns Claude Code sent with its own main-loop shape (the 32000+ token cap). */
const mainTurns = (requests: Recorded[]) => requests.filter((request) => (request.body.max_tokens ?? 0) >= 32_000);

describe('Claude Code through Switchyard', () => {
  it('fails over from Anthropic to Bedrock Claude with its real request bridged', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 529 });
    const run = await claudeCode('Say hello', 'claude-sonnet-4-6');
    expect(run.result?.is_error, run.stdout + run.stderr).toBe(false);
    const [direct] = mainTurns(await recorded('claude-direct'));
    const [bedrock] = mainTurns(await recorded('claude-bedrock'));
    expect(direct, 'Claude Code sent its main turn').toBeDefined();
    // What Claude Code sent: first-party betas, a user id far over 64 characters, a big output cap.
    expect(direct!.headers['anthropic-beta']).toContain('claude-code-20250219');
    expect(String(direct!.body.metadata.user_id).length).toBeGreaterThan(64);
    // What Bedrock received: none of the first-party-only betas or fields, the cap and system kept.
    expect(bedrock, 'Bedrock served the main turn').toBeDefined();
    for (const beta of bedrock!.body.anthropic_beta ?? [])
      expect(beta).not.toMatch(/^(claude-code|context-1m|prompt-caching-scope|context-management)-/);
    expect(bedrock!.body.context_management).toBeUndefined();
    expect(bedrock!.body.max_tokens).toBe(direct!.body.max_tokens);
  }, 120_000);

  it('fails over from Anthropic to OpenAI with the user id hashed and max_tokens clamped', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-direct', kind: 'error', status: 529 });
    const run = await claudeCode('Say hello', 'claude-opus-4-6');
    expect(run.result?.is_error, run.stdout + run.stderr).toBe(false);
    const openai = (await recorded('gpt')).at(-1);
    expect(openai, 'OpenAI served the turn').toBeDefined();
    expect(String(openai!.body.safety_identifier).length).toBeLessThanOrEqual(64);
    expect(openai!.body.max_completion_tokens).toBeLessThanOrEqual(16_384);
    expect(JSON.stringify(openai!.body.messages)).not.toContain('x-anthropic-billing-header');
  }, 120_000);

  it('reports a sticky 429 as a rate limit, not as an overload', async () => {
    await control('POST', '/_sim/faults', { target: 'claude-*', kind: 'error', status: 429, retryAfterSeconds: 1 });
    const run = await claudeCode('Say hello', 'claude-sonnet-4-6', [], { CLAUDE_CODE_MAX_RETRIES: '0' });
    const said = `${String(run.result?.result ?? '')} ${run.stdout} ${run.stderr}`;
    expect(run.result?.is_error, said).toBe(true);
    expect(said).toMatch(/429|rate.?limit/i);
    // A whole number: the run's JSON carries random UUIDs, and one with '9529' in it is not a 529.
    expect(said).not.toMatch(/overload|\b529\b/i);
  }, 120_000);

  it('keeps WebSearch sources: the relayed server-tool answer reaches Claude Code with its links', async () => {
    const run = await claudeCode('Use WebSearch to look up lighthouse history.', 'claude-sonnet-4-6', [
      '--allowedTools',
      'WebSearch',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const requests = await recorded('claude-direct');
    // Claude Code's own web search request: the server tool and its prompt, through the relay lane.
    const search = requests.find((request) =>
      (request.body.tools ?? []).some((tool: { type?: string }) => tool.type === 'web_search_20250305'),
    );
    expect(search?.body.messages?.[0]?.content?.[0]?.text).toBe(
      'Perform a web search for the query: lighthouse history',
    );
    // What Claude Code made of the relayed answer, as it sent it back in the conversation: the sources.
    const searchResult = requests
      .flatMap((request) => request.body.messages ?? [])
      .flatMap((message: { content?: unknown }) => (Array.isArray(message.content) ? message.content : []))
      .find(
        (block: { type?: string; content?: unknown }) =>
          block.type === 'tool_result' &&
          typeof block.content === 'string' &&
          block.content.startsWith('Web search results'),
      );
    const links = [...String(searchResult?.content).matchAll(/"url":"(https:\/\/example\.org\/[^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(links).toHaveLength(2);
    // The final answer cites them, and Claude Code counted the search from the relayed usage.server_tool_use.
    const answer = String(run.result?.result);
    for (const link of links) expect(answer).toContain(link);
    const usage = Object.values(run.result?.modelUsage ?? {}) as Array<{ webSearchRequests?: number }>;
    expect(usage.reduce((sum, model) => sum + (model.webSearchRequests ?? 0), 0)).toBe(1);
  });
});
