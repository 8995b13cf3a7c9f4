// SIGHUP against a real `switchyard serve` process: it reloads instead of dying. A valid config is
// applied (a new alias answers); an invalid one is refused with the reason printed, and the process
// keeps serving the running config; SIGTERM still drains and exits 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { runCli } from '../support/cli-process.js';
import { simulatedDeployment } from '../support/simulator-setup.js';

let simulator: RunningSimulator;
let directory: string;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'switchyard-sighup-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

function document(aliases: string[]): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0, drainMs: 1_000 },
    deployments: [simulatedDeployment(simulator.url, 'claude-a', 'anthropic', [])],
    routes: [{ name: 'claude-sonnet-4-6', aliases, deployments: ['claude-a'] }],
    health: { probes: { enabled: false } },
    store: false,
    logging: { level: 'error' },
  };
}

describe('SIGHUP', () => {
  it('reloads a valid config, refuses an invalid one and keeps serving, and never kills the process', async () => {
    const path = join(directory, 'switchyard.yaml');
    writeFileSync(path, JSON.stringify(document(['sonnet'])));
    const run = runCli(['serve', '--config', path], {}, 30_000);
    try {
      await run.waitForStdout('switchyard listening on ');
      const url = /listening on (http:\/\/\S+)/.exec(run.stdout())![1]!;
      const client = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
      const ask = (model: string) =>
        client.messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      await expect(ask('brand-new-alias')).rejects.toMatchObject({ status: 404 });

      writeFileSync(path, JSON.stringify(document(['sonnet', 'brand-new-alias'])));
      run.child.kill('SIGHUP');
      await run.waitForStdout('switchyard: config reloaded');
      expect((await ask('brand-new-alias')).content[0]?.type).toBe('text');

      writeFileSync(path, JSON.stringify({ ...document(['sonnet']), routes: [{ name: 'x', deployments: ['gone'] }] }));
      run.child.kill('SIGHUP');
      await run.waitForStdout('switchyard: config reload refused');
      expect(run.stdout()).toContain(`${path}: routes[0].deployments[0]: unknown deployment "gone"`);
      // Still serving the config it had, the alias from the applied reload included.
      expect((await ask('brand-new-alias')).content[0]?.type).toBe('text');
      expect(run.child.exitCode).toBeNull();

      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });
});
