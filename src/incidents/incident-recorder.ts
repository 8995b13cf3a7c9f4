// Carries the detector's transitions to the alerts and to the store, off the request path, in that
// order of urgency. An opening first gets the name every replica agrees on (incident-identity.ts), then
// its alert goes out at once: alerts never wait for the store. Incidents are written to the store
// whenever they change (transitions at once, evidence and timeline every few seconds); a write that
// fails is kept and retried with backoff until the store answers, so an outage loses nothing, and the
// store's merge makes the late writes of several replicas one incident.
import type { AlertLogger } from '../alerts/alert-dispatcher.js';
import { type Alert, alertFor } from '../alerts/alert.js';
import type { IncidentStore } from '../history/store/incident-store.js';
import { StoreAvailability } from '../history/store/store-availability.js';
import type { Clock } from '../util/clock.js';
import { scrubSecrets } from '../util/scrub-secrets.js';
import type { Incident, IncidentTransition } from './incident.js';
import type { IncidentDetector } from './incident-detector.js';
import { type IncidentIdentities, ownIdentities } from './incident-identity.js';

/** Where alerts go: the AlertDispatcher (its enqueue is idempotent per transition and sink). */
export interface AlertQueue {
  enqueue(alert: Alert): Promise<unknown>;
}

export interface IncidentRecorderOptions {
  detector: IncidentDetector;
  /** Absent: incidents live in the detector only (alerts still go out). */
  store?: Pick<IncidentStore, 'saveIncident'>;
  /** How replicas agree on an incident's id (default: this replica alone). */
  identities?: IncidentIdentities;
  alerts?: AlertQueue;
  clock: Clock;
  logger?: AlertLogger & { debug?(fields: object, message: string): void };
  /** Shared with the other writers to the same store, so an outage is logged once. */
  availability?: StoreAvailability;
  /** How often changed evidence and timelines are written (default 5 s); transitions are written at once. */
  persistIntervalMs?: number;
  /** First retry delay of a failed write (default 500 ms), doubled up to retryMaxMs (default 5 s: incidents are few, and they should be in the store soon after it returns). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A write that has not settled by then counts as failed and is retried (default 10 s), so one hung
   *  connection cannot hold every later write. */
  writeTimeoutMs?: number;
}

export class IncidentRecorder {
  private chain: Promise<void> = Promise.resolve();
  /** Local incident id → the id the replicas agreed on or the store merged it into. */
  private readonly ids = new Map<string, string>();
  /** Latest snapshot of each incident not yet written, by id. */
  private readonly unwritten = new Map<string, Incident>();
  private readonly identities: IncidentIdentities;
  private readonly availability: StoreAvailability;
  private writing: Promise<void> | undefined;
  private cancelRetry: (() => void) | undefined;
  private consecutiveFailures = 0;
  private unsubscribe: (() => void) | undefined;
  private stopWatchingStore: (() => void) | undefined;
  private lastPersistAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: IncidentRecorderOptions) {
    this.identities = options.identities ?? ownIdentities;
    this.availability = options.availability ?? new StoreAvailability(options.logger);
  }

  start(): void {
    this.unsubscribe ??= this.options.detector.onTransition((transition) => this.queue(() => this.record(transition)));
    // Another writer got through: the store is back, no need to sit out the rest of a backoff.
    this.stopWatchingStore ??= this.availability.onAvailable(() => {
      if (!this.cancelRetry) return;
      this.cancelRetry();
      this.cancelRetry = undefined;
      this.write();
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.stopWatchingStore?.();
    this.stopWatchingStore = undefined;
    this.takeChanged();
    await this.idle();
    this.cancelRetry?.();
    if (this.unwritten.size > 0)
      this.options.logger?.warn({ pending: this.unwritten.size }, 'incident recorder stopped with unwritten incidents');
  }

  /** Writes changed evidence and timelines when the persist interval has passed. Call every second. */
  tick(): void {
    const now = this.options.clock.now();
    if (now - this.lastPersistAt < (this.options.persistIntervalMs ?? 5_000)) return;
    this.lastPersistAt = now;
    this.takeChanged();
    this.write();
  }

  /** Resolves once every queued transition is handled and a write round (if any) is over. */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.chain;
      await current;
      await this.writing;
      if (current === this.chain && !this.writing) return;
    }
  }

  /** Incidents waiting for the store. */
  get pending(): number {
    return this.unwritten.size;
  }

  /** The agreed (or stored) id of a local incident id. */
  storedIdOf(localId: string): string {
    return this.ids.get(localId) ?? localId;
  }

  private takeChanged(): void {
    // Taken even without a store, so the detector's change set does not grow.
    for (const incident of this.options.detector.takeChanged()) this.markUnwritten(incident);
  }

  private markUnwritten(incident: Incident): void {
    if (!this.options.store) return;
    const translated = this.translate(incident);
    this.unwritten.set(translated.id, translated);
  }

  private queue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.options.logger?.error({ err: safeError(error) }, 'incident transition could not be handled');
    });
  }

  private async record(transition: IncidentTransition): Promise<void> {
    const local = transition.incident;
    if (transition.type === 'opened') {
      const agreed = await this.identities.agree(this.translate(local));
      if (agreed !== this.storedIdOf(local.id)) {
        this.ids.set(local.id, agreed);
        this.options.detector.adopt(local.id, { ...local, id: agreed });
      }
    }
    const incident = this.translate(local);
    if (transition.type === 'resolved') await this.identities.release(incident);
    const alert = alertFor({ ...transition, incident });
    if (alert) await this.options.alerts?.enqueue(alert);
    this.markUnwritten(incident);
    this.write();
  }

  private translate(incident: Incident): Incident {
    return {
      ...incident,
      id: this.storedIdOf(incident.id),
      parentId: incident.parentId === null ? null : this.storedIdOf(incident.parentId),
    };
  }

  /** Starts a write round unless one is under way or a retry is scheduled. */
  private write(): void {
    if (this.writing || this.cancelRetry || this.unwritten.size === 0) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
      // Snapshots that arrived during the round go out now, not on the next tick.
      this.write();
    });
  }

  private async writeAll(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    // Parents first, so a child's parent id names a row that exists.
    const queued = [...this.unwritten.values()].sort(
      (a, b) => Number(a.scope === 'deployment') - Number(b.scope === 'deployment'),
    );
    for (const incident of queued) {
      let stored: Incident;
      try {
        stored = await this.withDeadline(store.saveIncident(incident));
      } catch (error) {
        this.availability.failed(error, this.unwritten.size);
        const retryInMs = this.scheduleRetry();
        this.options.logger?.debug?.(
          { err: safeError(error), incident: incident.id, pending: this.unwritten.size, retryInMs },
          'incident write failed',
        );
        return;
      }
      this.consecutiveFailures = 0;
      // A newer snapshot that arrived meanwhile stays for the next round.
      if (this.unwritten.get(incident.id) === incident) this.unwritten.delete(incident.id);
      this.availability.succeeded(this.unwritten.size);
      if (stored.id !== incident.id) this.mergedInto(incident.id, stored);
    }
  }

  private withDeadline<T>(work: Promise<T>): Promise<T> {
    const timeoutMs = this.options.writeTimeoutMs ?? 10_000;
    let cancel: () => void = () => {};
    const deadline = new Promise<never>((_, reject) => {
      cancel = this.options.clock.schedule(timeoutMs, () =>
        reject(new Error(`the store did not answer within ${timeoutMs} ms`)),
      );
    });
    return Promise.race([work, deadline]).finally(() => cancel());
  }

  /** The store merged the incident into another replica's open incident of the same scope. */
  private mergedInto(id: string, stored: Incident): void {
    for (const [local, current] of this.ids) if (current === id) this.ids.set(local, stored.id);
    if (![...this.ids.values()].includes(stored.id)) this.ids.set(id, stored.id);
    const pending = this.unwritten.get(id);
    this.unwritten.delete(id);
    if (pending) this.unwritten.set(stored.id, { ...pending, id: stored.id });
    this.options.detector.adopt(id, stored);
  }

  /** Returns the delay. */
  private scheduleRetry(): number {
    this.consecutiveFailures += 1;
    const base = this.options.retryBaseMs ?? 500;
    const delay = Math.min(this.options.retryMaxMs ?? 5_000, base * 2 ** (this.consecutiveFailures - 1));
    this.cancelRetry = this.options.clock.schedule(delay, () => {
      this.cancelRetry = undefined;
      this.takeChanged();
      this.write();
    });
    return delay;
  }
}

function safeError(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}
