// Carries the detector's transitions to the store and to the alert outbox, in order, off the request
// path. Opening goes through the store's claim (one open incident per scope key across replicas): the
// replica whose claim wins owns the incident (writes its evidence, enqueues its opened alert); the
// others take its id. Escalations and resolutions are enqueued by whichever replica sees them: the
// outbox's dedup key (incident id, transition, n) makes that one alert. A store that is down delays
// writes (retried with backoff) but never the detector; past a short wait, an opening is alerted
// unclaimed rather than not at all.
import type { Clock } from '../util/clock.js';
import type { Alert } from '../alerts/alert.js';
import { alertFor } from '../alerts/alert.js';
import type { AlertLogger } from '../alerts/alert-dispatcher.js';
import type { Incident, IncidentTransition, IncidentUpdate } from './incident.js';
import type { IncidentDetector } from './incident-detector.js';
import type { IncidentPatch, IncidentRepository } from './incident-repository.js';
import { scrubSecrets } from '../util/scrub-secrets.js';

/** Where alerts go: the AlertDispatcher (its enqueue is idempotent per transition and sink). */
export interface AlertQueue {
  enqueue(alert: Alert): Promise<unknown>;
}

export interface IncidentRecorderOptions {
  detector: IncidentDetector;
  /** Absent: incidents live in the detector only (alerts still go out). */
  repository?: IncidentRepository;
  alerts?: AlertQueue;
  clock: Clock;
  logger?: AlertLogger;
  /** How often changed evidence and timelines are written (default 5 s); transitions are written at once. */
  persistIntervalMs?: number;
  /** How long an opening waits for a store that fails before it is alerted unclaimed (default 5 s). */
  claimRetryWindowMs?: number;
  /** How long other writes are retried (default 60 s). */
  writeRetryWindowMs?: number;
  /** How long putting an alert into the outbox is retried (default 10 min, the alert retry window). */
  enqueueRetryWindowMs?: number;
}

interface Written {
  severity: string;
  title: string;
  parentId: string | null;
  firstFailedAt: number | null;
  resolved: boolean;
  statusPage: boolean;
  /** The last timeline entry written, to send only what came after it. */
  lastUpdate: string | null;
}

export class IncidentRecorder {
  private chain: Promise<void> = Promise.resolve();
  /** Local incident id → the id the store holds (another replica's when its claim won). */
  private readonly ids = new Map<string, string>();
  /** Store ids of the incidents this replica opened. */
  private readonly owned = new Set<string>();
  private readonly written = new Map<string, Written>();
  private unsubscribe: (() => void) | undefined;
  private lastPersistAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: IncidentRecorderOptions) {}

  start(): void {
    this.unsubscribe ??= this.options.detector.onTransition((transition) => this.queue(() => this.record(transition)));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.persistChanged();
    await this.idle();
  }

  /** Writes changed evidence and timelines when the persist interval has passed. Call every second. */
  tick(): void {
    const now = this.options.clock.now();
    if (now - this.lastPersistAt < (this.options.persistIntervalMs ?? 5_000)) return;
    this.lastPersistAt = now;
    this.persistChanged();
  }

  /** Resolves once every queued write and enqueue is done. */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.chain;
      await current;
      if (current === this.chain) return;
    }
  }

  /** The store's id for a local incident id. */
  storedIdOf(localId: string): string {
    return this.ids.get(localId) ?? localId;
  }

  private persistChanged(): void {
    // Taken even without a store, so the detector's change set does not grow.
    const changed = this.options.detector.takeChanged();
    if (changed.length > 0 && this.options.repository)
      this.queue(async () => {
        for (const incident of changed) await this.write(incident);
      });
  }

  private queue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.options.logger?.error({ err: safeError(error) }, 'incident could not be recorded');
    });
  }

  private async record(transition: IncidentTransition): Promise<void> {
    let claimed = true;
    if (transition.type === 'opened') claimed = await this.claim(transition.incident);
    else await this.write(transition.incident);
    const alert = alertFor({ ...transition, incident: this.translate(transition.incident) });
    // Another replica opened it and alerted it; later transitions are enqueued by whoever sees them.
    if (!alert || (transition.type === 'opened' && !claimed)) return;
    const alerts = this.options.alerts;
    if (alerts)
      await this.retrying(() => alerts.enqueue(alert), this.options.enqueueRetryWindowMs ?? 600_000, 'alert enqueue');
  }

  private async claim(local: Incident): Promise<boolean> {
    const repository = this.options.repository;
    if (!repository) return true;
    const incident = this.translate(local);
    let result: { incident: Incident; claimed: boolean };
    try {
      result = await this.retrying(
        () => repository.claimOpen(incident),
        this.options.claimRetryWindowMs ?? 5_000,
        'incident claim',
      );
    } catch (error) {
      // Better an alert a second replica may repeat than none: alert as if this replica had opened it.
      this.options.logger?.error(
        { err: safeError(error), scope: local.scopeKey },
        'incident store unavailable; alerting without a claim',
      );
      this.owned.add(local.id);
      return true;
    }
    if (result.claimed) {
      this.owned.add(incident.id);
      this.written.set(incident.id, writtenOf(incident));
      return true;
    }
    const stored = result.incident;
    this.ids.set(local.id, stored.id);
    this.options.detector.adopt(local.id, stored);
    // Our own opening entry duplicates the owner's: count it as written, add only what we saw earlier.
    this.written.set(stored.id, { ...writtenOf(stored), lastUpdate: keyOf(local.updates.at(-1)) });
    if (local.firstFailedAt !== null && (stored.firstFailedAt === null || local.firstFailedAt < stored.firstFailedAt)) {
      await this.retrying(
        () => repository.update(stored.id, { firstFailedAt: local.firstFailedAt! }),
        this.writeWindow,
        'incident write',
      );
    }
    return false;
  }

  private async write(local: Incident): Promise<void> {
    const repository = this.options.repository;
    if (!repository) return;
    const incident = this.translate(local);
    const before = this.written.get(incident.id);
    if (!before) return; // its claim failed: nothing in the store to update
    const patch: IncidentPatch = {};
    if (incident.severity !== before.severity) patch.severity = incident.severity;
    if (incident.title !== before.title) patch.title = incident.title;
    if (incident.parentId !== before.parentId) patch.parentId = incident.parentId;
    if (incident.firstFailedAt !== null && incident.firstFailedAt !== before.firstFailedAt)
      patch.firstFailedAt = incident.firstFailedAt;
    if (incident.status === 'resolved' && !before.resolved && incident.resolvedAt !== null)
      patch.resolvedAt = incident.resolvedAt;
    if (incident.statusPage && !before.statusPage) patch.statusPage = incident.statusPage;
    // Each replica sees only its own traffic; the opener's view is the one kept.
    if (this.owned.has(incident.id)) patch.evidence = incident.evidence;
    const newUpdates = updatesAfter(incident.updates, before.lastUpdate);
    if (newUpdates.length > 0) patch.newUpdates = newUpdates;
    if (Object.keys(patch).length === 0) return;
    await this.retrying(() => repository.update(incident.id, patch), this.writeWindow, 'incident write');
    this.written.set(incident.id, writtenOf(incident));
  }

  private get writeWindow(): number {
    return this.options.writeRetryWindowMs ?? 60_000;
  }

  private translate(incident: Incident): Incident {
    return {
      ...incident,
      id: this.storedIdOf(incident.id),
      parentId: incident.parentId === null ? null : this.storedIdOf(incident.parentId),
    };
  }

  private async retrying<T>(operation: () => Promise<T>, windowMs: number, what: string): Promise<T> {
    const { clock } = this.options;
    const startedAt = clock.now();
    let delay = 500;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation();
      } catch (error) {
        if (clock.now() + delay - startedAt > windowMs) throw error;
        this.options.logger?.warn({ err: safeError(error), attempt, retryInMs: delay }, `${what} failed; retrying`);
        await clock.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }
}

function keyOf(update: IncidentUpdate | undefined): string | null {
  return update ? `${update.at}|${update.type}|${update.message}` : null;
}

function writtenOf(incident: Incident): Written {
  return {
    severity: incident.severity,
    title: incident.title,
    parentId: incident.parentId,
    firstFailedAt: incident.firstFailedAt,
    resolved: incident.status === 'resolved',
    statusPage: incident.statusPage !== null,
    lastUpdate: keyOf(incident.updates.at(-1)),
  };
}

function updatesAfter(updates: readonly IncidentUpdate[], lastKey: string | null): IncidentUpdate[] {
  if (lastKey === null) return [...updates];
  for (let index = updates.length - 1; index >= 0; index -= 1) {
    if (keyOf(updates[index]) === lastKey) return updates.slice(index + 1);
  }
  return [...updates];
}

function safeError(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}
