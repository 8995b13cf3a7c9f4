// The store's health where operators look (/admin/health, /readyz, /metrics), and a real SQLite file
// deleted under a running gateway: noticed at once (not writable), created again on the next check
// (manual clock), and the history written after it lands in the new file; the key store follows the new
// file too, so a key the CLI creates in it is honoured.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { eventually } from './harness.js';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  keyed = await startKeyedGateway({ clock });
});
afterAll(async () => keyed.close());

interface StoreHealth {
  backend: string;
  writable: boolean;
  lagMs: number;
  rowsWaiting: number;
  failedWrites: number;
  recreated: number;
}

async function admin(path: string): Promise<Response> {
  return fetch(`${keyed.gateway.url}${path}`, { headers: { authorization: `Bearer ${keyed.adminToken}` } });
}

async function storeHealth(): Promise<{ admin: StoreHealth; ready: StoreHealth; metrics: string }> {
  const health = (await (await admin('/admin/health')).json()) as { store: StoreHealth };
  const ready = (await (await fetch(`${keyed.gateway.url}/readyz`)).json()) as { store: StoreHealth };
  const metrics = await (await admin('/metrics')).text();
  return { admin: health.store, ready: ready.store, metrics };
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

async function ask(client: Anthropic) {
  await client.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
}

describe('store health', () => {
  it('shows writable, lag and rows waiting, notices a deleted SQLite file and creates it again', async () => {
    const client = new Anthropic({ baseURL: keyed.gateway.url, apiKey: keyed.configKey, maxRetries: 0 });
    const file = join(keyed.directory, 'switchyard.db');
    await ask(client);
    let seen = await storeHealth();
    expect(seen.admin).toMatchObject({ backend: 'sqlite', writable: true, recreated: 0 });
    expect(seen.ready).toEqual(seen.admin);
    expect(metric(seen.metrics, 'switchyard_store_writable')).toBe(1);
    expect(seen.admin.rowsWaiting).toBeGreaterThan(0);
    await clock.advance(500);
    // Rows waiting for the next flush show as lag on the injected clock.
    expect((await storeHealth()).admin.lagMs).toBeGreaterThanOrEqual(500);
    await keyed.gateway.history.writer!.flush();
    seen = await storeHealth();
    expect(seen.admin).toMatchObject({ writable: true, rowsWaiting: 0, lagMs: 0 });
    expect(metric(seen.metrics, 'switchyard_store_rows_waiting')).toBe(0);

    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    seen = await storeHealth();
    expect(seen.admin.writable).toBe(false);
    expect(seen.ready.writable).toBe(false);
    expect(metric(seen.metrics, 'switchyard_store_writable')).toBe(0);

    await clock.advance(1_000);
    expect(existsSync(file)).toBe(true);
    seen = await storeHealth();
    expect(seen.admin).toMatchObject({ writable: true, recreated: 1 });
    expect(metric(seen.metrics, 'switchyard_store_recreated')).toBe(1);

    await ask(client);
    await keyed.gateway.history.writer!.flush();
    const database = new Database(file, { readonly: true });
    try {
      const rows = database.prepare('SELECT COUNT(*) AS count FROM deployment_rollups').get() as { count: number };
      expect(rows.count).toBeGreaterThan(0);
    } finally {
      database.close();
    }

    // The key store reads the same file: a key the CLI creates in the new file is honoured, as before.
    let printed = '';
    const code = await runKeysCommand(['create', '--config', keyed.configPath, '--name', 'after-recreate'], {
      stdout: (text) => {
        printed += text;
      },
    });
    expect(code).toBe(0);
    const newClient = new Anthropic({ baseURL: keyed.gateway.url, apiKey: printed.trim(), maxRetries: 0 });
    const answered = await eventually(
      async () => {
        await clock.advance(200);
        return ask(newClient).then(
          () => true,
          () => false,
        );
      },
      (ok) => ok,
      50,
    );
    expect(answered).toBe(true);
  });
});
