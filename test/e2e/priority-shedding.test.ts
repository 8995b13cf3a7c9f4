// Priority when fallback capacity runs short, as the issue describes it: the Claude family is down,
// the GPT fallback's simulated quota (rate-limit headers counting down, then 429s) is smaller than the
// combined traffic, and an interactive key (normal priority, Anthropic SDK, streaming and not) and a CI
// key (priority low, created with the CLI, OpenAI SDK) send at once. Interactive traffic keeps its
// answers (>= 99%), CI is shed cleanly with 429 + retry-after, nothing is a 5xx, and the fallback's
// quota is never exhausted, so no shed request or upstream 429 counts against its health.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { eventually } from './harness.js';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;
const quota = 160;
const interactiveCount = 100;
const ciCount = 200;

beforeAll(async () => {
  keyed = await startKeyedGateway({ extra: { priority: { shedBelowRemainingShare: 0.6 } } });
});
afterAll(async () => keyed?.close());

async function createCiKey(): Promise<string> {
  let printed = '';
  const code = await runKeysCommand(['create', '--config', keyed.configPath, '--name', 'ci', '--priority', 'low'], {
    stdout: (text) => {
      printed += text;
    },
  });
  expect(code).toBe(0);
  return printed.trim();
}

type Result = { status: number; retryAfter?: string | null; errorType?: string };

describe('priority shedding', () => {
  it('keeps interactive answers through a short fallback quota by shedding the low-priority CI key first', async () => {
    const ciKey = await createCiKey();
    const interactive = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    const ci = new OpenAI({ baseURL: `${keyed.gateway.url}/v1`, apiKey: ciKey, maxRetries: 0 });
    // The new key is honoured once the registry refreshes (100 ms here).
    await eventually(
      () =>
        ci.chat.completions
          .create({ model: 'sonnet', messages: [{ role: 'user', content: 'warm up' }] })
          .then(() => true)
          .catch(() => false),
      (ok) => ok,
    );
    await keyed.simulator.faults.add({ target: 'claude-a', kind: 'error', status: 529 });
    keyed.simulator.configureUpstream('gpt-a', { quota: { requests: quota, windowMs: 600_000 } });

    const askInteractive = async (index: number): Promise<Result> => {
      try {
        if (index % 2 === 0) {
          const stream = interactive.messages.stream({
            model: 'sonnet',
            max_tokens: 20,
            messages: [{ role: 'user', content: `interactive ${index}` }],
          });
          const message = await stream.finalMessage();
          return { status: message.content.length > 0 ? 200 : 0 };
        }
        await interactive.messages.create({
          model: 'sonnet',
          max_tokens: 20,
          messages: [{ role: 'user', content: `interactive ${index}` }],
        });
        return { status: 200 };
      } catch (error) {
        const apiError = error as InstanceType<typeof Anthropic.APIError>;
        return { status: apiError.status ?? -1 };
      }
    };
    const askCi = async (index: number): Promise<Result> => {
      try {
        await ci.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: `ci ${index}` }] });
        return { status: 200 };
      } catch (error) {
        const apiError = error as InstanceType<typeof OpenAI.APIError>;
        return {
          status: apiError.status ?? -1,
          retryAfter: apiError.headers?.get('retry-after') ?? null,
          errorType: apiError.type ?? undefined,
        };
      }
    };

    const interactiveResults: Result[] = [];
    const ciResults: Result[] = [];
    // Both teams at once: each round sends 2 interactive and 4 CI requests concurrently.
    for (let round = 0; round < interactiveCount / 2; round += 1) {
      const [a, b, ...rest] = await Promise.all([
        askInteractive(round * 2),
        askInteractive(round * 2 + 1),
        ...[0, 1, 2, 3].map((offset) => askCi(round * 4 + offset)),
      ]);
      interactiveResults.push(a!, b!);
      ciResults.push(...rest);
    }
    expect(ciResults).toHaveLength(ciCount);

    const succeeded = interactiveResults.filter((result) => result.status === 200).length;
    const failures = interactiveResults.filter((result) => result.status !== 200).map((result) => result.status);
    expect(succeeded / interactiveCount, `interactive failures: ${failures.join(', ')}`).toBeGreaterThanOrEqual(0.99);
    const all = [...interactiveResults, ...ciResults];
    expect(all.filter((result) => result.status >= 500 || result.status < 0)).toEqual([]);
    const shed = ciResults.filter((result) => result.status === 429);
    expect(shed.length).toBeGreaterThan(ciCount / 2);
    for (const result of shed) {
      expect(result.errorType).toBe('rate_limit_error');
      expect(Number(result.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(ciResults.filter((result) => result.status !== 200 && result.status !== 429)).toEqual([]);

    // The fallback's quota was never exhausted: it answered no 429 and stays healthy.
    const stats = keyed.simulator.stats().upstreams['gpt-a'];
    expect(stats?.failed).toBe(0);
    expect(stats?.succeeded).toBeLessThanOrEqual(quota + 1);
    const health = await fetch(`${keyed.gateway.url}/admin/health`, {
      headers: { authorization: `Bearer ${keyed.adminToken}` },
    });
    const snapshot = (await health.json()) as { deployments: Array<{ id: string; state: string }> };
    expect(snapshot.deployments.find((deployment) => deployment.id === 'gpt-a')?.state).toBe('healthy');
    // Claude stayed down throughout: ejected, or probing once its ejection ran out on a slow machine.
    expect(['ejected', 'probing']).toContain(
      snapshot.deployments.find((deployment) => deployment.id === 'claude-a')?.state,
    );
  });
});
