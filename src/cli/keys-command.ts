// `switchyard keys create|list|revoke`: gateway keys in the config's store. `create` prints the new key,
// and only the key, on stdout (so `KEY=$(switchyard keys create …)` works); it is shown this once and
// stored only as a hash. A running gateway picks up a new or revoked key at its next refresh.
import { parseArgs } from 'node:util';
import { keyPriorities, type KeyPriority } from '../config/auth-schema.js';
import { ConfigError, loadConfigFile } from '../config/load-config.js';
import { generateKey, hashKey, keyHint, parseDuration } from '../keys/gateway-key.js';
import { KeyStoreError, type StoredKey } from '../keys/key-store.js';
import { openKeyStore } from '../keys/open-key-store.js';
import { RouteTable } from '../routing/resolve-route.js';
import { systemClock, type Clock } from '../util/clock.js';

export const keysUsage = `usage: switchyard keys create --config F --name NAME [--routes a,b] [--rpm N] [--tpm N]
                            [--concurrency N] [--priority high|normal|low] [--expires 30d]
       switchyard keys list --config F
       switchyard keys revoke NAME --config F
`;

function positiveInteger(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new ConfigError([`--${option}: expected a positive whole number, got "${text}"`]);
  return value;
}

function describeLimits(key: StoredKey): string {
  const limits = [
    key.rpm !== undefined ? `${key.rpm} rpm` : undefined,
    key.tpm !== undefined ? `${key.tpm} tpm` : undefined,
    key.concurrency !== undefined ? `${key.concurrency} at once` : undefined,
  ].filter(Boolean);
  return limits.length > 0 ? limits.join(', ') : 'no limits';
}

function status(key: StoredKey, now: number): string {
  if (key.revokedAt !== undefined) return `revoked ${new Date(key.revokedAt).toISOString()}`;
  if (key.expiresAt !== undefined && key.expiresAt <= now) return `expired ${new Date(key.expiresAt).toISOString()}`;
  if (key.expiresAt !== undefined) return `active until ${new Date(key.expiresAt).toISOString()}`;
  return 'active';
}

export async function runKeysCommand(
  argv: string[],
  output: { stdout: (text: string) => void },
  clock: Clock = systemClock,
): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h') {
    output.stdout(keysUsage);
    return action === undefined ? 1 : 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c' },
      name: { type: 'string' },
      routes: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      concurrency: { type: 'string' },
      priority: { type: 'string' },
      expires: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new ConfigError([`keys: expected create, list or revoke, got "${action ?? ''}"`]);
  }
  if (!values.config) throw new ConfigError(['--config: required (the gateway config whose store holds the keys)']);
  const config = loadConfigFile(values.config);
  if (config.store === false)
    throw new ConfigError([`${values.config}: store: false keeps no keys; declare them under auth.keys`]);
  const store = await openKeyStore(config.store);
  if (!store) throw new ConfigError([`${values.config}: no store`]);
  try {
    const now = clock.now();
    if (action === 'create') {
      if (!values.name || !/^[A-Za-z0-9._-]{1,64}$/.test(values.name)) {
        throw new ConfigError(['--name: required; letters, digits, ".", "_" or "-", at most 64']);
      }
      const routes = values.routes
        ?.split(',')
        .map((route) => route.trim())
        .filter(Boolean);
      const known = new Set(new RouteTable(config).names().map((entry) => entry.id));
      const unknown = routes?.filter((route) => !known.has(route)) ?? [];
      if (unknown.length > 0)
        throw new ConfigError([`--routes: no route or alias named ${unknown.map((route) => `"${route}"`).join(', ')}`]);
      const priority = values.priority ?? 'normal';
      if (!(keyPriorities as readonly string[]).includes(priority))
        throw new ConfigError([`--priority: expected high, normal or low, got "${priority}"`]);
      let expiresAt: number | undefined;
      if (values.expires !== undefined) {
        const duration = parseDuration(values.expires);
        if (duration === undefined)
          throw new ConfigError([`--expires: expected a duration like 30d, 12h or 90m, got "${values.expires}"`]);
        expiresAt = now + duration;
      }
      const key = generateKey();
      const record: StoredKey = {
        name: values.name,
        hash: hashKey(key),
        hint: keyHint(key),
        createdAt: now,
        priority: priority as KeyPriority,
      };
      if (routes) record.routes = routes;
      const rpm = positiveInteger('rpm', values.rpm);
      const tpm = positiveInteger('tpm', values.tpm);
      const concurrency = positiveInteger('concurrency', values.concurrency);
      if (rpm !== undefined) record.rpm = rpm;
      if (tpm !== undefined) record.tpm = tpm;
      if (concurrency !== undefined) record.concurrency = concurrency;
      if (expiresAt !== undefined) record.expiresAt = expiresAt;
      await store.create(record);
      output.stdout(`${key}\n`);
      return 0;
    }
    if (action === 'revoke') {
      const name = positionals[0] ?? values.name;
      if (!name) throw new ConfigError(['keys revoke: name the key to revoke']);
      if (!(await store.revoke(name, now))) throw new ConfigError([`keys revoke: no active key named "${name}"`]);
      output.stdout(`revoked ${name}\n`);
      return 0;
    }
    const keys = await store.list();
    if (keys.length === 0) {
      output.stdout('no keys\n');
      return 0;
    }
    for (const key of keys) {
      output.stdout(
        `${key.name}\t${key.hint}\t${key.routes?.join(',') ?? 'all routes'}\t${describeLimits(key)}\t${key.priority}\t${status(key, now)}\n`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof KeyStoreError) throw new ConfigError([`keys ${action}: ${error.message}`]);
    throw error;
  } finally {
    await store.close();
  }
}
