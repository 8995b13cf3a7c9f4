// Shared health when Redis goes away (stopped mid-run) or is not there at start: every replica keeps
// deciding on its own state without throwing, logs the outage once, and shares again (including the
// decisions it made meanwhile) once Redis is back. Trackers run on a ManualClock; the test waits for
// Redis round trips and reconnections by polling, never by sleeping.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { TestRedis } from '../../../test/support/redis-server.js';
import type { Clock } from '../../util/clock.js';
import type { AttemptOutcome } from '../../canonical/attempt.js';
import { HealthTracker } from '../health-tracker.js';
import { RedisHealthShare, type RedisHealthShareOptions } from './redis-health-share.js';
import { sharedHealthKeys } from './shared-health-keys.js';
import { encodeDecision } from './shared-health-messages.js';

const ok: AttemptOutcome = { kind: 'success', latencyMs: 200, timeToFirstTokenMs: 80 };
const down: AttemptOutcome = { kind: 'server', latencyMs: 30, status: 503 };
const deployments = [
  { id: 'claude', domains: [] },
  { id: 'gpt', domains: [] },
];
const unavailable = /^shared health unavailable/;

let redis: TestRedis;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  redis = await TestRedis.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await redis.stop();
});

function replica(replicaId: string, clock: Clock, options: Partial<RedisHealthShareOptions> = {}) {
  const tracker = new HealthTracker({ deployments, clock });
  const logs: Array<{ level: string; object: object; message: string }> = [];
  const logger = {
    warn: (object: object, message: string) => logs.push({ level: 'warn', object, message }),
    info: (object: object, message: string) => logs.push({ level: 'info', object, message }),
  };
  const share = new RedisHealthShare({
    tracker,
    redisUrl: redis.url,
    clock,
    logger,
    replicaId,
    publishIntervalMs: 1_000,
    ...options,
  });
  cleanups.push(() => share.close());
  const entry = (id: string) => tracker.snapshot().deployments.find((deployment) => deployment.id === id)!;
  const lines = (level: string, message: RegExp | string) =>
    logs.filter(
      (line) =>
        line.level === level && (typeof message === 'string' ? line.message === message : message.test(line.message)),
    );
  return { tracker, share, logs, lines, entry };
}

async function waitFor(condition: () => boolean, what: string, attempts = 2_000): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until a bystander connection has failed `count` times, so the shares have retried too. */
async function failedConnections(url: string, count: number): Promise<void> {
  let failures = 0;
  const bystander = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 100,
    disconnectTimeout: 0,
  });
  bystander.on('error', () => {
    failures += 1;
  });
  bystander.connect().catch(() => {});
  try {
    await waitFor(() => failures >= count, `${count} failed connections`);
  } finally {
    bystander.disconnect();
  }
}

function breakDown(tracker: HealthTracker, id: string): void {
  for (let index = 0; index < 20; index += 1) tracker.record(id, ok);
  for (let index = 0; index < 5; index += 1) tracker.record(id, down);
}

describe('RedisHealthShare without Redis', () => {
  it('keeps each replica working when Redis stops mid-run, warns once, and resumes sharing', async () => {
    const clock = new ManualClock();
    const a = replica('a', clock);
    const b = replica('b', clock);
    await Promise.all([a.share.start(), b.share.start()]);
    expect(a.share.connected && b.share.connected).toBe(true);
    for (const side of [a, b]) expect(side.lines('info', 'shared health connected')).toHaveLength(1);

    await redis.stop();
    await waitFor(() => !a.share.connected && !b.share.connected, 'both shares to notice');
    await failedConnections(redis.url, 5);

    // Each replica goes on with its own state: admitting, recording, ejecting, publishing nothing.
    breakDown(a.tracker, 'claude');
    expect(a.entry('claude').state).toBe('ejected');
    expect(a.tracker.admit('claude')).toBe(false);
    for (let index = 0; index < 10; index += 1) {
      expect(b.tracker.admit('claude')).toBe(true);
      b.tracker.record('claude', ok);
    }
    await clock.advance(3_000); // three publish ticks while Redis is away
    expect(b.entry('claude')).toMatchObject({ state: 'healthy', requests: 10 });
    await failedConnections(redis.url, 3);
    for (const side of [a, b]) {
      expect(side.lines('warn', unavailable)).toHaveLength(1);
      expect(side.lines('info', 'shared health resumed')).toHaveLength(0);
    }

    await redis.resume();
    await waitFor(() => a.share.connected && b.share.connected, 'both shares to reconnect');
    // The ejection a decided during the outage is written on reconnection and reaches b.
    await waitFor(() => b.entry('claude').state === 'ejected', 'b to learn the outage-time ejection');
    expect(b.entry('claude').ejectedUntil).toBe(a.entry('claude').ejectedUntil);
    // And new decisions travel again.
    breakDown(a.tracker, 'gpt');
    await waitFor(() => b.entry('gpt').state === 'ejected', 'b to learn a new ejection');
    for (const side of [a, b]) {
      expect(side.lines('warn', unavailable)).toHaveLength(1);
      expect(side.lines('info', 'shared health resumed')).toHaveLength(1);
    }
    // Counts flow again as well (b's outage-time outcomes are still in the window).
    await clock.advance(1_000);
    await waitFor(() => a.entry('claude').requests > 25, 'a to merge b’s counts');
    expect(a.entry('claude').requests).toBe(35);
  });

  it('starts without Redis, works locally, and joins when Redis appears', async () => {
    await redis.stop(); // a port with nothing listening
    const clock = new ManualClock();
    const a = replica('a', clock);
    await a.share.start(); // resolves rather than throws
    expect(a.share.connected).toBe(false);
    expect(a.lines('warn', unavailable)).toHaveLength(1);
    expect(JSON.stringify(a.lines('warn', unavailable)[0]!.object)).toContain(`127.0.0.1:${redis.port}`);

    breakDown(a.tracker, 'claude');
    expect(a.entry('claude').state).toBe('ejected');
    await failedConnections(redis.url, 3);
    expect(a.lines('warn', unavailable)).toHaveLength(1);

    await redis.resume();
    await waitFor(() => a.share.connected, 'a to join');
    expect(a.lines('info', 'shared health resumed')).toHaveLength(1);

    // A replica starting now finds a's ejection, made before Redis was there; a hears b's decisions.
    const b = replica('b', clock);
    await b.share.start();
    expect(b.entry('claude')).toMatchObject({ state: 'ejected', ejectedUntil: a.entry('claude').ejectedUntil });
    breakDown(b.tracker, 'gpt');
    await waitFor(() => a.entry('gpt').state === 'ejected', 'a to learn b’s ejection');
  });

  it('reads the stored decisions again after a reconnection, catching up on what it missed', async () => {
    const clock = new ManualClock();
    const b = replica('b', clock);
    await b.share.start();
    const inspector = new Redis(redis.url);
    cleanups.push(async () => void inspector.disconnect());
    // A decision b's subscription never saw (as if published while b was cut off): stored only.
    const missed = {
      replica: 'a',
      id: 'claude',
      to: 'ejected' as const,
      reason: 'decided by a',
      at: clock.now(),
      ejectedUntil: clock.now() + 5_000,
      ejectionCount: 1,
    };
    await inspector.hset(sharedHealthKeys().states, 'claude', encodeDecision(missed));
    expect(b.entry('claude').state).toBe('healthy');

    // Cut b's two connections (Redis itself stays up); ioredis reconnects them.
    const clients = String(await inspector.call('CLIENT', 'LIST')).split('\n');
    const ids = clients
      .filter((line) => line.includes('name=switchyard-health:b:'))
      .map((line) => /\bid=(\d+)/.exec(line)![1]!);
    expect(ids).toHaveLength(2);
    for (const id of ids) await inspector.call('CLIENT', 'KILL', 'ID', id);
    await waitFor(() => b.lines('warn', unavailable).length === 1 && b.share.connected, 'b to lose and regain Redis');

    expect(b.entry('claude')).toMatchObject({
      state: 'ejected',
      reason: 'decided by a',
      ejectedUntil: missed.ejectedUntil,
    });
    expect(b.lines('info', 'shared health resumed')).toHaveLength(1);
  });

  it('never logs the password of the Redis URL', async () => {
    await redis.stop();
    const clock = new ManualClock();
    const tracker = new HealthTracker({ deployments, clock });
    const lines: string[] = [];
    const logger = {
      warn: (object: object, message: string) => lines.push(JSON.stringify(object) + message),
      info: (object: object, message: string) => lines.push(JSON.stringify(object) + message),
    };
    const share = new RedisHealthShare({
      tracker,
      redisUrl: `redis://:hunter2@127.0.0.1:${redis.port}`,
      clock,
      logger,
    });
    cleanups.push(() => share.close());
    await share.start();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${redis.port}`);
    expect(lines[0]).not.toContain('hunter2');
  });
});
