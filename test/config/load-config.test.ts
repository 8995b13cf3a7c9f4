// Config loading: YAML, ${ENV} interpolation, schema defaults and path-naming error messages.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, loadConfigText } from '../../src/config/load-config.js';
import { main } from '../../src/cli/main.js';

const valid = `
deployments:
  - id: claude-direct
    provider: anthropic
    model: claude-sonnet-4-5
    apiKey: \${ANTHROPIC_API_KEY}
    domains: [anthropic-model-layer]
  - id: gpt-fallback
    provider: openai
    model: gpt-5
    apiKey: \${OPENAI_API_KEY:-fallback-key}
routes:
  - name: claude-sonnet-4-5
    aliases: [sonnet]
    deployments: [claude-direct, gpt-fallback]
`;

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfigText(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('loads a valid file with defaults and environment secrets', () => {
    const config = loadConfigText(valid, { ANTHROPIC_API_KEY: 'from-env' });
    expect(config.deployments[0]!.apiKey).toBe('from-env');
    expect(config.deployments[1]!.apiKey).toBe('fallback-key');
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 7300 });
    expect(config.timeouts).toEqual({
      requestMs: 120_000,
      connectMs: 5_000,
      firstTokenMs: 30_000,
      firstTokenFactor: 5,
      firstTokenFloorMs: 5_000,
      stallFloorMs: 5_000,
    });
    expect(config.hedging).toEqual({ budget: 0.05, budgetWindowMs: 10_000, minimumDelayMs: 50 });
    expect(config.routes[0]).toMatchObject({ hedge: 'off', continuation: 'off', firstTokenLimit: 'adaptive' });
    expect(config.retry.maxAttemptsPerDeployment).toBe(2);
    expect(config.routes[0]!.aliases).toEqual(['sonnet']);
  });

  it('caps request-body memory at 256 MB by default, and refuses a cap one largest body cannot fit', () => {
    const config = loadConfigText(valid, { ANTHROPIC_API_KEY: 'k' });
    expect(config.server).toMatchObject({ bodyLimitBytes: 32 * 1024 * 1024, bodyMemoryBytes: 256 * 1024 * 1024 });
    const text = `server: { bodyLimitBytes: 1000, bodyMemoryBytes: 999 }\n${valid}`;
    expect(problemsOf(text, { ANTHROPIC_API_KEY: 'k' })).toEqual([
      'server.bodyMemoryBytes: 999 is less than server.bodyLimitBytes (1000); one largest body must fit',
    ]);
  });

  it('names the path of an unknown deployment reference', () => {
    const text = valid.replace('deployments: [claude-direct, gpt-fallback]', 'deployments: [gtp, claude-direct]');
    expect(problemsOf(text, { ANTHROPIC_API_KEY: 'k' })).toEqual([
      'routes[0].deployments[0]: unknown deployment "gtp"',
    ]);
  });

  it('names a missing environment variable and schema problems all at once', () => {
    const text = valid.replace('provider: openai', 'provider: opneai').replace('model: gpt-5', 'model: 5');
    const problems = problemsOf(text);
    expect(problems).toContain('deployments[0].apiKey: environment variable ANTHROPIC_API_KEY is not set');
    expect(problems.some((problem) => problem.startsWith('deployments[1].provider:'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('deployments[1].model:'))).toBe(true);
  });

  it('rejects duplicate ids, duplicate route names and unknown keys', () => {
    const text = `
deployments:
  - { id: a, provider: anthropic, model: m, apiKey: k }
  - { id: a, provider: anthropic, model: m2, apiKey: k, colour: blue }
routes:
  - { name: r, deployments: [a] }
  - { name: x, aliases: [r], deployments: [a] }
`;
    const problems = problemsOf(text);
    expect(problems.some((problem) => problem.startsWith('deployments[1]') && problem.includes('colour'))).toBe(true);
  });

  it('reports duplicate ids and clashing names once the schema passes', () => {
    const text = `
deployments:
  - { id: a, provider: anthropic, model: m, apiKey: k }
  - { id: a, provider: anthropic, model: m2, apiKey: k }
  - { id: c, provider: openai-compatible, model: llama }
routes:
  - { name: r, deployments: [a] }
  - { name: x, aliases: [r], deployments: [a, a] }
`;
    expect(problemsOf(text)).toEqual([
      'deployments[1].id: duplicate deployment id "a"',
      'deployments[2].baseUrl: required for provider "openai-compatible"',
      'routes[1].aliases[0]: "r" is already used by routes[0].name',
      'routes[1].deployments[1]: "a" is listed twice',
    ]);
  });

  it('reports YAML syntax errors and unreadable files', () => {
    expect(problemsOf('deployments: [')[0]).toMatch(/^\(yaml\):/);
    expect(() => loadConfigFile('/nonexistent/switchyard.yaml')).toThrow(ConfigError);
  });

  it('`switchyard validate` exits 0 on a good file and 1 with the messages on a bad one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
    const good = join(folder, 'good.yaml');
    const bad = join(folder, 'bad.yaml');
    writeFileSync(good, valid.replace('${ANTHROPIC_API_KEY}', 'k'));
    writeFileSync(bad, valid.replace('deployments: [claude-direct, gpt-fallback]', 'deployments: [gtp]'));
    const written: string[] = [];
    const originalOut = process.stdout.write.bind(process.stdout);
    const originalErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    try {
      expect(await main(['validate', '--config', good])).toBe(0);
      expect(await main(['validate', '--config', bad])).toBe(1);
    } finally {
      process.stdout.write = originalOut;
      process.stderr.write = originalErr;
    }
    expect(written.join('')).toContain('routes[0].deployments[0]: unknown deployment "gtp"');
  });
});
