// `switchyard exec` around the real Claude Code binary (headless, in a throw-away HOME), with no
// --config: the gateway is built from the provider keys in the environment, pointed at the simulator
// through SWITCHYARD_<PROVIDER>_BASE_URL. A Claude-family outage: the step succeeds through GPT and
// the summary names the failovers. A total outage: exit 75 within a bounded time, the summary says why.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { claudeCodeBinary } from '../support/claude-code.js';
import { runCli } from '../support/cli-process.js';
import { simulatorControl } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let folder: string;

const control = (method: string, path: string, body?: unknown) => simulatorControl(simulator.url)(method, path, body);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-exec-claude-'));
  simulator = await startSimulator({ port: 0, seed: 21 });
});

afterEach(async () => {
  await control('DELETE', '/_sim/faults');
});

afterAll(async () => {
  await simulator.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Provider keys for the simulator only; every other provider variable emptied so none is picked up. */
function environment(home: string, summaryFile: string): Record<string, string> {
  return {
    HOME: home,
    GITHUB_STEP_SUMMARY: summaryFile,
    ANTHROPIC_API_KEY: 'sim-anthropic-key',
    SWITCHYARD_ANTHROPIC_BASE_URL: `${simulator.url}/u/claude`,
    OPENAI_API_KEY: 'sim-openai-key',
    SWITCHYARD_OPENAI_BASE_URL: `${simulator.url}/u/gpt/v1`,
    ANTHROPIC_BASE_URL: '',
    OPENAI_BASE_URL: '',
    AWS_BEARER_TOKEN_BEDROCK: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_PROFILE: '',
    CLAUDE_CODE_USE_BEDROCK: '',
    CLAUDE_CODE_USE_VERTEX: '',
    ANTHROPIC_VERTEX_PROJECT_ID: '',
    GOOGLE_CLOUD_PROJECT: '',
    GOOGLE_APPLICATION_CREDENTIALS: '',
    GEMINI_API_KEY: '',
    GOOGLE_API_KEY: '',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

function claudeStep(home: string, summaryFile: string, extra: string[] = []) {
  return runCli(
    [
      'exec',
      ...extra,
      '--',
      claudeCodeBinary(),
      '-p',
      'Say hello in five words.',
      '--output-format',
      'json',
      '--model',
      'claude-sonnet-4-6',
    ],
    environment(home, summaryFile),
    120_000,
  );
}

describe('switchyard exec with real Claude Code', () => {
  it('succeeds through the fallback in a Claude-family outage, and the summary names the failovers', async () => {
    await control('POST', '/_sim/faults', { id: 'claude-down', target: 'claude', kind: 'error', status: 529 });
    const home = mkdtempSync(join(folder, 'home-'));
    const summaryFile = join(folder, 'family-outage.md');
    const run = claudeStep(home, summaryFile);
    const code = await run.exited;
    console.log(run.stderr().trim().split('\n').slice(-4).join('\n'));
    expect(code, run.stderr()).toBe(0);
    const result = JSON.parse(run.stdout().trim().split('\n').pop()!) as { is_error: boolean; result: string };
    expect(result.is_error).toBe(false);
    expect(result.result.length).toBeGreaterThan(0);
    // The config was built from the environment and printed, keys by name only.
    expect(run.stderr()).toContain('built from the environment');
    expect(run.stderr()).not.toContain('sim-anthropic-key');
    const failovers = /failovers: (\d+)/.exec(run.stderr());
    expect(Number(failovers?.[1])).toBeGreaterThan(0);
    expect(run.stderr()).toMatch(/deployments used: .*openai-gpt-5/);
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/\| Failovers \| [1-9]/);
  }, 130_000);

  it('exits 75 within a bounded time in a total outage, and the summary says why', async () => {
    await control('POST', '/_sim/faults', { id: 'claude-down', target: 'claude', kind: 'error', status: 503 });
    await control('POST', '/_sim/faults', { id: 'gpt-down', target: 'gpt', kind: 'error', status: 503 });
    const home = mkdtempSync(join(folder, 'home-'));
    const summaryFile = join(folder, 'total-outage.md');
    const startedAt = Date.now();
    const run = claudeStep(home, summaryFile, ['--give-up-after', '5']);
    const code = await run.exited;
    const elapsedMs = Date.now() - startedAt;
    console.log(`total outage: exec exited ${code} after ${elapsedMs} ms`);
    console.log(run.stderr().trim().split('\n').slice(-5).join('\n'));
    expect(code, run.stderr()).toBe(75);
    expect(elapsedMs).toBeLessThan(60_000);
    const skipLines = run
      .stderr()
      .split('\n')
      .filter((line) => line.includes('EX_TEMPFAIL'));
    expect(skipLines).toHaveLength(1);
    expect(skipLines[0]).toMatch(/every deployment of route "claude-sonnet-4-6" was unavailable/);
    expect(readFileSync(summaryFile, 'utf8')).toContain('AI step skipped');
  }, 130_000);
});
