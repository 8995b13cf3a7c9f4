// `switchyard exec` as a CI step runs it: the CLI as its own process, a command that uses the official
// SDKs through the base URLs exec sets, the simulator playing the providers. Exit codes and signals
// pass through; the summary counts what the gateway did and lands in $GITHUB_STEP_SUMMARY; when every
// deployment of the command's route is down, the step ends 75 (EX_TEMPFAIL) with one line saying why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { runCli } from '../support/cli-process.js';
import { simulatedDeployment, simulatorControl } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let folder: string;
let configPath: string;

const control = (method: string, path: string, body?: unknown) => simulatorControl(simulator.url)(method, path, body);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-exec-'));
  simulator = await startSimulator({ port: 0, seed: 5 });
  configPath = join(folder, 'switchyard.yaml');
  writeFileSync(
    configPath,
    stringify({
      server: { host: '127.0.0.1', port: 0 },
      deployments: [
        simulatedDeployment(simulator.url, 'claude-a', 'anthropic', ['anthropic-model-layer']),
        simulatedDeployment(simulator.url, 'gpt-b', 'openai', ['openai']),
      ],
      routes: [
        { name: 'claude-sonnet-4-6', deployments: ['claude-a', 'gpt-b'] },
        { name: 'gpt-5', deployments: ['gpt-b'] },
      ],
      retry: { maxAttemptsPerDeployment: 1, baseDelayMs: 10, maxDelayMs: 50 },
      health: { defaults: { consecutiveFailures: 3, baseEjectionMs: 60_000 } },
      store: false,
      incidents: { gracePeriodMs: 200 },
      logging: { level: 'silent' },
    }),
  );
});

afterEach(async () => {
  await control('DELETE', '/_sim/faults');
});

afterAll(async () => {
  await simulator.close();
  rmSync(folder, { recursive: true, force: true });
});

// A command a CI step might run: one Anthropic SDK call and one OpenAI SDK call through the base URLs
// exec sets, then the exit code it was given.
const sdkScript = (exitCode: number) => `
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
const anthropic = new Anthropic({ maxRetries: 0 });
const openai = new OpenAI({ maxRetries: 0 });
const message = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
const completion = await openai.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'Hi' }] });
console.log('answered by', message.model, 'and', completion.model);
process.exit(${exitCode});
`;

// Each test starts the CLI from the sources (tsx) and a gateway: seconds each, more on a loaded machine.
describe('switchyard exec', { timeout: 90_000 }, () => {
  it("runs the command against the in-process gateway, exits with the command's code and writes the step summary", async () => {
    const summaryFile = join(folder, 'step-summary.md');
    const run = runCli(
      ['exec', '--config', configPath, '--', process.execPath, '--input-type=module', '-e', sdkScript(3)],
      { GITHUB_STEP_SUMMARY: summaryFile, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', OPENAI_BASE_URL: '' },
    );
    expect(await run.exited).toBe(3);
    expect(run.stdout()).toContain('answered by');
    expect(run.stderr()).toContain('requests: 2 (2 answered, 0 failed), failovers: 0');
    expect(run.stderr()).toMatch(/deployments used: .*claude-a \(1\)/);
    const markdown = readFileSync(summaryFile, 'utf8');
    expect(markdown).toContain('### Switchyard:');
    expect(markdown).toContain('| Requests | 2 (2 answered, 0 failed) |');
    expect(markdown).toContain('| Exit code | 3 |');
  });

  it('names the failovers when the primary is down and the step still succeeds', async () => {
    await control('POST', '/_sim/faults', { id: 'claude-down', target: 'claude-a', kind: 'error', status: 529 });
    const run = runCli([
      'exec',
      '--config',
      configPath,
      '--',
      process.execPath,
      '--input-type=module',
      '-e',
      sdkScript(0),
    ]);
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('failovers: 1');
    expect(run.stderr()).toMatch(/deployments used: gpt-b \(2\)/);
  });

  it('passes signals on to the command and exits with what the command made of them', async () => {
    const handled = runCli([
      'exec',
      '--config',
      configPath,
      '--',
      process.execPath,
      '-e',
      "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);",
    ]);
    await handled.waitForStdout('ready');
    handled.child.kill('SIGTERM');
    expect(await handled.exited).toBe(42);
    expect(handled.stdout()).toContain('got SIGTERM');

    const unhandled = runCli([
      'exec',
      '--config',
      configPath,
      '--',
      process.execPath,
      '-e',
      "console.log('ready'); setInterval(() => {}, 1000);",
    ]);
    await unhandled.waitForStdout('ready');
    unhandled.child.kill('SIGINT');
    expect(await unhandled.exited).toBe(130);
  });

  it('exits 75 with one line saying why when every deployment of the route is down', async () => {
    await control('POST', '/_sim/faults', { id: 'all-down', target: 'claude-a', kind: 'error', status: 503 });
    await control('POST', '/_sim/faults', { id: 'gpt-down', target: 'gpt-b', kind: 'error', status: 503 });
    // A client that keeps retrying, as Claude Code does on a 503: exec stops it once the route has been
    // down as a whole for --give-up-after, rather than letting it retry for minutes.
    const retrying = `
import Anthropic from '@anthropic-ai/sdk';
const anthropic = new Anthropic({ maxRetries: 0 });
for (;;) {
  try { await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] }); process.exit(0); }
  catch { await new Promise((resolve) => setTimeout(resolve, 100)); }
}`;
    const summaryFile = join(folder, 'outage-summary.md');
    const startedAt = Date.now();
    const run = runCli(
      [
        'exec',
        '--config',
        configPath,
        '--give-up-after',
        '2',
        '--',
        process.execPath,
        '--input-type=module',
        '-e',
        retrying,
      ],
      { GITHUB_STEP_SUMMARY: summaryFile },
    );
    expect(await run.exited).toBe(75);
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    const skipLines = run
      .stderr()
      .split('\n')
      .filter((line) => line.includes('EX_TEMPFAIL'));
    expect(skipLines).toHaveLength(1);
    expect(skipLines[0]).toContain('every deployment of route "claude-sonnet-4-6" was unavailable');
    expect(readFileSync(summaryFile, 'utf8')).toContain('AI step skipped');
  });

  it('keeps the command failure as it is when the providers were fine', async () => {
    const run = runCli(['exec', '--config', configPath, '--', process.execPath, '-e', 'process.exit(1)']);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).not.toContain('EX_TEMPFAIL');
  });
});
