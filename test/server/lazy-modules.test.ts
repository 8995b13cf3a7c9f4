// A gateway loads a driver or signer only when its configuration uses it: without shared health no
// ioredis, without a PostgreSQL store no pg, with `store: false` no better-sqlite3, and the SigV4
// signer only when a Bedrock request is signed. Each case starts the gateway in a fresh process
// (loaded-packages-entry.ts) and reads which packages that process loaded.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorAwsCredentials, startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { TestRedis } from '../support/redis-server.js';
import { claudeDirectAndBedrock } from '../support/simulator-setup.js';

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'test', 'support', 'loaded-packages-entry.ts');
const optionalDrivers = ['ioredis', 'pg', 'better-sqlite3', '@smithy/signature-v4', '@aws-crypto/sha256-js'];
const request = JSON.stringify({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] });

let folder: string;
let simulator: RunningSimulator;
let redis: TestRedis;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'switchyard-lazy-'));
  [simulator, redis] = await Promise.all([startSimulator(), TestRedis.start()]);
});

afterAll(async () => {
  await Promise.all([simulator?.close(), redis?.stop()]);
});

/** Starts a gateway on `config` in its own process (after one request, if given): its status and loaded packages. */
function loadedBy(
  name: string,
  config: Record<string, unknown>,
  options: { request?: string; env?: Record<string, string> } = {},
): Promise<{ status?: number; packages: string[] }> {
  const path = join(folder, `${name}.yaml`);
  writeFileSync(
    path,
    JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, logging: { level: 'warn' }, ...config }),
  );
  const args = ['--import', 'tsx', entry, path, ...(options.request ? [options.request] : [])];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env: { ...process.env, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
      },
    );
  });
}

const claudeDirect = () => claudeDirectAndBedrock(simulator.url)[0];
const claudeBedrock = () => claudeDirectAndBedrock(simulator.url)[1];

describe('optional drivers are loaded only when the configuration uses them', () => {
  it('an Anthropic deployment with no store and no shared health loads none of them', async () => {
    const { packages } = await loadedBy('plain', {
      deployments: [claudeDirect()],
      routes: [{ name: 'sonnet', deployments: ['claude-direct'] }],
      store: false,
    });
    expect(packages).toContain('undici');
    for (const driver of optionalDrivers) expect(packages).not.toContain(driver);
  });

  it('a SQLite store loads better-sqlite3 and shared health loads ioredis, still no pg', async () => {
    const { packages } = await loadedBy('sqlite-redis', {
      deployments: [claudeDirect()],
      routes: [{ name: 'sonnet', deployments: ['claude-direct'] }],
      store: { path: join(folder, 'history.db') },
      health: { shared: { redisUrl: redis.url } },
    });
    expect(packages).toContain('better-sqlite3');
    expect(packages).toContain('ioredis');
    expect(packages).not.toContain('pg');
  });

  it('a SigV4 Bedrock deployment loads the signer with its first signed request, not at start', async () => {
    const config = {
      deployments: [claudeBedrock()],
      routes: [{ name: 'sonnet', deployments: ['claude-bedrock'] }],
      store: false,
    };
    const env = {
      AWS_ACCESS_KEY_ID: simulatorAwsCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: simulatorAwsCredentials.secretAccessKey,
      AWS_BEARER_TOKEN_BEDROCK: '',
    };
    const atStart = await loadedBy('bedrock-idle', config, { env });
    expect(atStart.packages).not.toContain('@smithy/signature-v4');
    const afterRequest = await loadedBy('bedrock-request', config, { env, request });
    expect(afterRequest.status).toBe(200);
    expect(afterRequest.packages).toContain('@smithy/signature-v4');
    expect(afterRequest.packages).toContain('@aws-crypto/sha256-js');
  });
});
