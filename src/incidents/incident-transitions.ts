// How the detector's transitions (opened, escalated, resolved, status-page-acknowledged) reach their
// subscribers: queued while one health event is being evaluated, then emitted together on the next
// microtask, parents' openings first, each listener isolated from the others' failures.
import type { IncidentTransition, IncidentTransitionListener, IncidentTransitionType } from './incident.js';
import type { TrackedIncident } from './tracked-incident.js';

interface QueuedTransition {
  type: IncidentTransitionType;
  sequence: number;
  at: number;
  incident: TrackedIncident;
}

function parentOpeningFirst(entry: QueuedTransition): number {
  return entry.type === 'opened' && entry.incident.scope !== 'deployment' ? 0 : 1;
}

export class IncidentTransitions {
  private readonly listeners = new Set<IncidentTransitionListener>();
  private queued: QueuedTransition[] = [];
  /** Incidents whose opening has been emitted; one grouped before that never alerts on its own. */
  private readonly announced = new WeakSet<TrackedIncident>();
  private flushScheduled = false;

  constructor(private readonly onListenerError?: (error: unknown, transition: IncidentTransition) => void) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: IncidentTransitionListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  enqueue(type: IncidentTransitionType, sequence: number, at: number, incident: TrackedIncident): void {
    this.queued.push({ type, sequence, at, incident });
  }

  /** Whether the incident's opening has left: until then, what happens to it is part of the opening. */
  isAnnounced(incident: TrackedIncident): boolean {
    return this.announced.has(incident);
  }

  /** Emits queued transitions now (otherwise they leave on the next microtask). */
  flush(): void {
    this.flushScheduled = false;
    // Parents first, so whoever stores them knows a parent before its children (stable otherwise).
    const queued = [...this.queued].sort((a, b) => parentOpeningFirst(a) - parentOpeningFirst(b));
    this.queued = [];
    for (const entry of queued) {
      this.announced.add(entry.incident);
      const transition: IncidentTransition = {
        type: entry.type,
        sequence: entry.sequence,
        at: entry.at,
        incident: entry.incident.snapshot(),
      };
      for (const listener of [...this.listeners]) {
        try {
          listener(transition);
        } catch (error) {
          this.onListenerError?.(error, transition);
        }
      }
    }
  }

  // Transitions leave on the next microtask, after the rest of this health event: the tracker reports a
  // deployment change and the domain change it causes in one call, and the grouping must be known first.
  scheduleFlush(): void {
    if (this.flushScheduled || this.queued.length === 0) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      if (this.flushScheduled) this.flush();
    });
  }
}
