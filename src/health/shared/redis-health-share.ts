// Shares health across gateway replicas through Redis (health.shared.redisUrl). Outcome counts are
// published every publishIntervalMs and merged by the other replicas, so each replica's failure rate
// covers the whole fleet's traffic; state decisions (eject, probe, readmit, isolate, release) are
// published the moment they are made and stored as the latest decision per deployment, so every
// replica follows within one round trip and a replica that starts or reconnects later catches up.
//
// Redis is an optimisation, never a dependency: the tracker stays the source of truth on each
// replica. While Redis is away, every replica goes on deciding from its own traffic, logs the outage
// once, and catches up when Redis is back (own decisions written, the stored ones read again). Nothing
// here throws into, waits in, or queues behind the request path.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../util/clock.js';
import type { StateChange } from '../deployment-state.js';
import type { HealthTracker } from '../health-tracker.js';
import { AvailabilityLog, type ShareLogger } from './availability-log.js';
import { DecisionLedger, shareableDecision } from './decision-ledger.js';
import { redactRedisUrl } from './redact-redis-url.js';
import { closeRedisConnection, openRedisConnection } from './redis-connection.js';
import { defaultSharedHealthPrefix, sharedHealthKeys, type SharedHealthKeys } from './shared-health-keys.js';
import {
  encodeCountsMessage,
  parseCountsMessage,
  parseDecision,
  type SharedDecision,
} from './shared-health-messages.js';
import { storeDecision } from './store-decision.js';
import { FleetRunShare } from './fleet-run-share.js';

export interface RedisHealthShareOptions {
  tracker: HealthTracker;
  redisUrl: string;
  /** The clock the tracker reads: it runs the publish timer and tells whether a stored ejection is over. */
  clock: Clock;
  logger: ShareLogger;
  /** Default: random. Messages from this id are this replica's own and are not applied again. */
  replicaId?: string;
  /** How often local outcome counts are published (default 250). */
  publishIntervalMs?: number;
  /** Default 'switchyard:health'. Replicas sharing health must use the same prefix. */
  keyPrefix?: string;
}

export const defaultPublishIntervalMs = 250;

export class RedisHealthShare {
  readonly replicaId: string;
  private readonly tracker: HealthTracker;
  private readonly clock: Clock;
  private readonly logger: ShareLogger;
  private readonly keys: SharedHealthKeys;
  private readonly publishIntervalMs: number;
  private readonly subscriber: Redis;
  private readonly commands: Redis;
  private readonly ledger = new DecisionLedger();
  private readonly availability: AvailabilityLog;
  private readonly logContext: object;
  private readonly stopListening: () => void;

  private phase: 'created' | 'started' | 'closed' = 'created';
  private startRun: Promise<void> | undefined;
  private cancelPublishTimer: (() => void) | undefined;
  private subscribed = false;
  private synchronized = false;
  private syncRun: Promise<void> | undefined;
  private syncAgain = false;
  private countsInFlight = false;
  private lastConnectionError: string | undefined;
  private warnedInvalidMessage = false;
  private readonly fleetRun: FleetRunShare;

  constructor(options: RedisHealthShareOptions) {
    const publishIntervalMs = options.publishIntervalMs ?? defaultPublishIntervalMs;
    if (!(publishIntervalMs > 0)) throw new RangeError(`publishIntervalMs must be positive, got ${publishIntervalMs}`);
    this.tracker = options.tracker;
    this.clock = options.clock;
    this.logger = options.logger;
    this.replicaId = options.replicaId ?? randomUUID();
    this.publishIntervalMs = publishIntervalMs;
    this.keys = sharedHealthKeys(options.keyPrefix ?? defaultSharedHealthPrefix);
    this.logContext = { redis: redactRedisUrl(options.redisUrl), replicaId: this.replicaId };
    this.availability = new AvailabilityLog(options.logger, this.logContext);
    this.subscriber = openRedisConnection(options.redisUrl, `switchyard-health:${this.replicaId}:subscriber`);
    this.commands = openRedisConnection(options.redisUrl, `switchyard-health:${this.replicaId}:commands`);
    for (const connection of [this.subscriber, this.commands]) {
      // Without an 'error' listener ioredis prints every failed reconnection; the outage is logged once instead.
      connection.on('error', (error: Error) => {
        this.lastConnectionError = error.message;
      });
      connection.on('close', () => this.onConnectionLost(connection));
      connection.on('ready', () => void this.requestSync());
    }
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    // States already decided when the share is created (not decisions the ledger saw) still count as newest.
    for (const entry of this.tracker.snapshot().deployments) {
      if (entry.state !== 'healthy' && entry.state !== 'degraded') this.ledger.note(entry.id, entry.since);
    }
    // Decisions made before start() or while Redis is away are kept and written once it is reachable.
    this.stopListening = this.tracker.onStateChange((change) => this.onLocalChange(change));
    this.fleetRun = new FleetRunShare({
      tracker: this.tracker,
      commands: this.commands,
      keys: this.keys,
      clock: this.clock,
      replicaId: this.replicaId,
      active: () => this.phase === 'started' && this.connected,
    });
  }

  /**
   * Whether this replica runs the probes of a deployment for the next `periodMs`: the first replica to
   * SET NX PX the owner key owns them until it expires (and renews its own). Without Redis: yes, so a
   * replica on its own still probes.
   */
  async claimProbe(deploymentId: string, periodMs: number): Promise<boolean> {
    if (!this.connected) return true;
    const key = this.keys.probeOwner(deploymentId);
    try {
      const taken = await this.commands.set(key, this.replicaId, 'PX', periodMs, 'NX');
      if (taken === 'OK') return true;
      if ((await this.commands.get(key)) !== this.replicaId) return false;
      await this.commands.pexpire(key, periodMs);
      return true;
    } catch {
      return true;
    }
  }

  /** Subscribed, and the stored decisions read since the last (re)connection. */
  get connected(): boolean {
    return this.synchronized && this.bothReady();
  }

  /**
   * Connects, subscribes and applies the stored decisions. Never rejects: when Redis is unreachable
   * it logs once and resolves, and the share joins in the background when Redis appears.
   */
  start(): Promise<void> {
    this.startRun ??= this.startOnce();
    return this.startRun;
  }

  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.cancelPublishTimer?.();
    this.cancelPublishTimer = undefined;
    this.stopListening();
    this.fleetRun.stop();
    this.synchronized = false;
    await Promise.all([closeRedisConnection(this.subscriber), closeRedisConnection(this.commands)]);
    // Both settle promptly once the connections are closed; nothing of this share runs after close().
    await this.startRun;
    await this.syncRun;
  }

  private async startOnce(): Promise<void> {
    if (this.phase !== 'created') return;
    this.phase = 'started';
    this.schedulePublish();
    // A failed first attempt rejects here while ioredis goes on reconnecting in the background.
    await Promise.allSettled([this.subscriber.connect(), this.commands.connect()]);
    // The 'ready' events have started the synchronisation already; wait for it rather than repeat it.
    if (this.syncRun) await this.syncRun;
    else if (!this.connected) await this.requestSync();
    if (this.phase === 'started' && !this.connected) this.availability.down(this.lastConnectionError);
  }

  private onConnectionLost(connection: Redis): void {
    if (connection === this.subscriber) this.subscribed = false;
    this.synchronized = false;
    // A server that goes away closes the connection without an error first.
    if (this.phase === 'started') this.availability.down(this.lastConnectionError ?? 'connection closed');
  }

  // One synchronisation at a time; a request made while one runs makes it run once more afterwards,
  // so the second connection becoming ready in the middle of a run is never missed.
  private requestSync(): Promise<void> {
    if (this.syncRun) {
      this.syncAgain = true;
      return this.syncRun;
    }
    const run = async () => {
      try {
        do {
          this.syncAgain = false;
          await this.synchronize();
        } while (this.syncAgain && this.phase === 'started');
      } finally {
        this.syncRun = undefined;
      }
    };
    this.syncRun = run();
    return this.syncRun;
  }

  /**
   * Subscribe first, then read the stored decisions: a decision published in between is received
   * rather than lost. Then write this replica's own decisions that Redis missed.
   */
  private async synchronize(): Promise<void> {
    if (this.phase !== 'started' || !this.bothReady()) return;
    try {
      if (!this.subscribed) {
        await this.subscriber.subscribe(this.keys.counts, this.keys.state);
        this.subscribed = true;
      }
      const stored = await this.commands.hgetall(this.keys.states);
      this.applyStoredDecisions(stored);
      await this.writeUnpublished();
      if (this.phase !== 'started' || !this.bothReady()) return;
      this.synchronized = true;
      this.lastConnectionError = undefined;
      this.availability.up();
    } catch (error) {
      // The connection went away mid-way: its next 'ready' synchronises again.
      this.synchronized = false;
      if (this.phase === 'started') this.availability.down(error instanceof Error ? error.message : String(error));
    }
  }

  private applyStoredDecisions(stored: Record<string, string>): void {
    const now = this.clock.now();
    for (const [id, text] of Object.entries(stored)) {
      const decision = parseDecision(text);
      if (!decision || decision.id !== id) continue;
      // An ejection that is over leaves the deployment due a probe on the replicas that applied it;
      // one that starts now lets its own (shared) outcomes decide rather than probe for an old outage.
      if (decision.to === 'ejected' && decision.ejectedUntil !== undefined && decision.ejectedUntil <= now) continue;
      this.applyDecision(decision);
    }
  }

  private async writeUnpublished(): Promise<void> {
    const pending = this.ledger.takeUnpublished();
    for (const [index, decision] of pending.entries()) {
      // Only decisions still in force: a later one (own or another replica's) may have replaced it.
      if (this.ledger.isSuperseded(decision) || this.currentState(decision.id) !== decision.to) continue;
      try {
        await storeDecision(this.commands, this.keys, decision);
      } catch (error) {
        for (const unwritten of pending.slice(index)) this.ledger.markUnpublished(unwritten);
        throw error;
      }
    }
  }

  private onLocalChange(change: StateChange): void {
    const decision = shareableDecision(change, this.replicaId);
    if (!decision) return;
    this.ledger.note(decision.id, decision.at);
    if (this.phase !== 'started' || this.commands.status !== 'ready') {
      this.ledger.markUnpublished(decision);
      return;
    }
    // Called from inside tracker.record() on the request path: fire and forget, never throw.
    storeDecision(this.commands, this.keys, decision).catch(() => this.ledger.markUnpublished(decision));
  }

  private schedulePublish(): void {
    this.cancelPublishTimer = this.clock.schedule(this.publishIntervalMs, () => {
      if (this.phase !== 'started') return;
      // A synchronisation that failed while both connections stayed up (a command timed out on a
      // stalled Redis) gets no new 'ready' event to retry it: the timer does.
      if (!this.synchronized && this.bothReady() && !this.syncRun) void this.requestSync();
      else this.publishCounts();
      this.schedulePublish();
    });
  }

  /**
   * While Redis is away (or a publish is still pending) the counts stay with the tracker, which keeps
   * at most one window of them: nothing grows without bound, and the recent ones go out on reconnect.
   */
  private publishCounts(): void {
    if (!this.connected || this.countsInFlight) return;
    const deltas = this.tracker.takeLocalDeltas();
    if (deltas.length === 0) return;
    this.countsInFlight = true;
    this.commands
      .publish(this.keys.counts, encodeCountsMessage(this.replicaId, deltas))
      .catch(() => {
        // Lost with the connection: counts during an outage stay local, and the outage is logged once.
      })
      .finally(() => {
        this.countsInFlight = false;
      });
  }

  private onMessage(channel: string, message: string): void {
    try {
      if (channel === this.keys.counts) this.onCounts(message);
      else if (channel === this.keys.state) this.onDecision(message);
    } catch (error) {
      // A tracker error must not escape into ioredis's reply parser.
      this.warnInvalidMessage(channel, error instanceof Error ? error.message : String(error));
    }
  }

  private onCounts(message: string): void {
    const counts = parseCountsMessage(message);
    if (!counts) return this.warnInvalidMessage(this.keys.counts, 'not a counts message of this version');
    if (counts.replica === this.replicaId) return;
    for (const delta of counts.deltas) {
      // Deployments this replica does not route to (another configuration version) are not tracked here.
      if (this.tracker.has(delta.id)) this.tracker.mergeRemoteCounts(delta.id, delta.bucketStartMs, delta.counts);
    }
  }

  private onDecision(message: string): void {
    const decision = parseDecision(message);
    if (!decision) return this.warnInvalidMessage(this.keys.state, 'not a decision of this version');
    if (decision.replica === this.replicaId) return;
    this.applyDecision(decision);
  }

  /** Applies another replica's decision unless a newer one is known (the tracker checks it too). */
  private applyDecision(decision: SharedDecision): void {
    if (!this.tracker.has(decision.id) || this.ledger.isSuperseded(decision)) return;
    const { replica: _replica, ...change } = decision;
    this.tracker.applyRemoteState(change);
    this.ledger.note(decision.id, decision.at);
  }

  private bothReady(): boolean {
    return this.subscriber.status === 'ready' && this.commands.status === 'ready';
  }

  private currentState(id: string): string | undefined {
    return this.tracker.snapshot().deployments.find((entry) => entry.id === id)?.state;
  }

  private warnInvalidMessage(channel: string, problem: string): void {
    // Once: a replica of another version would otherwise log on every publish.
    if (this.warnedInvalidMessage) return;
    this.warnedInvalidMessage = true;
    this.logger.warn({ ...this.logContext, channel, problem }, 'shared health message ignored');
  }
}
