// The package as a stranger gets it: `npm pack`, installed into an empty folder with only its
// dependencies, then `npx switchyard` --version, --help, validate, keys, sim, serve (without --config:
// built from provider keys in the environment, drained by SIGTERM with exit 0), demo, and a port that
// cannot be bound (non-zero at once). To stay fast in CI the install reuses npm's cache and skips
// install scripts; the one native addon (better-sqlite3) is copied from this checkout's build of the
// very same version instead of being compiled again for minutes.
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let folder: string;
let app: string;
let tarballFiles: string[];

function newestMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Runs a command to its end without blocking the test worker: a synchronous spawn held the worker's
 * event loop for the whole build, pack or install, and vitest's own worker-to-runner calls time out
 * (after 60 s) when the loop cannot answer them — the suite then fails with every test passed.
 */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeout = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: folder, ...env },
        encoding: 'utf8',
        timeout,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout: stdout ?? '', stderr: stderr ?? '' });
      },
    );
  });
}

const switchyard = (args: string[], env: Record<string, string> = {}) =>
  run('npx', ['--no', '--', 'switchyard', ...args], app, env, 60_000);

/** Starts a long-running command and resolves with its first stdout line that matches. */
function startUntil(args: string[], env: Record<string, string>, pattern: RegExp) {
  // The installed bin itself rather than through npx, so that signals reach the gateway's process.
  const child = spawn(join(app, 'node_modules', '.bin', 'switchyard'), args, {
    cwd: app,
    env: { PATH: process.env.PATH ?? '', HOME: folder, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const matched = new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = pattern.exec(stdout);
      if (match) resolve(match);
    });
    void exited.then(() => reject(new Error(`exited before printing ${pattern}: ${stdout}`)));
  });
  return { child, matched, exited, output: () => stdout };
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-package-'));
  // dist/ is built by `npm ci` (prepare); rebuild only when a source file is newer.
  const distMain = join(root, 'dist', 'cli', 'main.js');
  let built = 0;
  try {
    built = statSync(distMain).mtimeMs;
  } catch {}
  if (built < newestMtime(join(root, 'src'))) {
    expect((await run('npx', ['tsc', '-p', 'tsconfig.build.json'], root, {}, 300_000)).code).toBe(0);
  }
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], root, {
    npm_config_cache: join(process.env.HOME ?? folder, '.npm'),
  });
  expect(packed.code).toBe(0);
  const manifest = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarballFiles = manifest[0]!.files.map((file) => file.path);
  app = join(folder, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'stranger', private: true }));
  const installed = await run(
    'npm',
    ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(folder, manifest[0]!.filename)],
    app,
    { npm_config_cache: join(process.env.HOME ?? folder, '.npm') },
    300_000,
  );
  expect(installed.code, installed.stderr).toBe(0);
  const ours = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  const theirs = JSON.parse(readFileSync(join(app, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  expect(theirs).toBe(ours);
  mkdirSync(join(app, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
  copyFileSync(
    join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
    join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
  );
}, 600_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
}, 120_000);

describe('the packed package', () => {
  it('holds the built dist/, the bin and the configs, and no sources or tests', () => {
    expect(tarballFiles).toContain('dist/cli/main.js');
    expect(tarballFiles).toContain('bin/switchyard.js');
    expect(tarballFiles).toContain('config/demo.yaml');
    // The dashboard's page ships in the package; its chart library comes with the dependencies.
    expect(tarballFiles).toContain('assets/dashboard/index.html');
    expect(tarballFiles).toContain('assets/dashboard/app.js');
    expect(existsSync(join(app, 'node_modules/uplot/dist/uPlot.iife.min.js'))).toBe(true);
    expect(tarballFiles.some((file) => file.startsWith('src/') || file.startsWith('test/'))).toBe(false);
    expect(tarballFiles.some((file) => file.endsWith('.test.js') || file.endsWith('.map'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/switchyard/package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
  });

  it('answers --version and --help with exit 0, and a CLI error in one line with exit 1', async () => {
    const version = await switchyard(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^switchyard \d+\.\d+\.\d+\n$/);
    const help = await switchyard(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('keys');
    const missing = await switchyard(['validate', '--config', 'nowhere.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nowhere.yaml');
    expect(missing.stderr).not.toContain('    at ');
  });

  it('validates a config and manages keys in its SQLite store', async () => {
    writeFileSync(
      join(app, 'switchyard.yaml'),
      [
        'auth: { clients: keys }',
        'deployments:',
        '  - { id: claude, provider: anthropic, model: claude-sonnet-4-6, apiKey: "${ANTHROPIC_API_KEY}" }',
        'routes: [{ name: sonnet, deployments: [claude] }]',
        'store: { path: ./switchyard.db }',
      ].join('\n'),
    );
    const env = { ANTHROPIC_API_KEY: 'placeholder-provider-key' };
    expect((await switchyard(['validate', '--config', 'switchyard.yaml'], env)).code).toBe(0);
    const created = await switchyard(
      ['keys', 'create', '--config', 'switchyard.yaml', '--name', 'ci', '--rpm', '60'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^syk_[A-Za-z0-9_-]{32}\n$/);
    const listed = await switchyard(['keys', 'list', '--config', 'switchyard.yaml'], env);
    expect(listed.stdout).toContain('ci\tsyk_');
    expect(listed.stdout).not.toContain(created.stdout.trim());
    expect((await switchyard(['keys', 'revoke', 'ci', '--config', 'switchyard.yaml'], env)).code).toBe(0);
  });

  it('runs sim, and serve without --config from environment keys, drained by SIGTERM with exit 0', async () => {
    const simulator = startUntil(['sim', '--port', '0'], {}, /simulator on (http:\/\/[\d.:]+)/);
    const simulatorUrl = (await simulator.matched)[1] as string;
    const env = {
      ANTHROPIC_API_KEY: 'placeholder-provider-key',
      SWITCHYARD_ANTHROPIC_BASE_URL: `${simulatorUrl}/u/claude`,
    };
    const gateway = startUntil(['serve', '--port', '0'], env, /listening on (http:\/\/[\d.:]+)/);
    const gatewayUrl = (await gateway.matched)[1] as string;
    expect(gateway.output()).toContain('built from the environment');
    expect(gateway.output()).toContain('${ANTHROPIC_API_KEY}');
    expect(gateway.output()).not.toContain('placeholder-provider-key');
    const answer = await fetch(`${gatewayUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'any' },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(answer.status).toBe(200);

    const port = new URL(simulatorUrl).port;
    const clash = await switchyard(['serve', '--port', port], env);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain(`cannot listen`);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    simulator.child.kill('SIGTERM');
    await simulator.exited;
  }, 60_000);

  it('runs the demo to its summary', async () => {
    const demo = await run('npx', ['--no', '--', 'switchyard', 'demo', '--duration', '3'], app, {}, 90_000);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout.length).toBeGreaterThan(0);
  }, 100_000);
});
