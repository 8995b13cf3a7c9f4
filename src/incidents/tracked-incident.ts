// The detector's working record of one incident: mutable while it is open, turned into a plain
// `Incident` (a deep copy) whenever it is emitted or stored.
import { EvidenceAccumulator } from './evidence-accumulator.js';
import {
  scopeKeyOf,
  type Incident,
  type IncidentScope,
  type IncidentSeverity,
  type IncidentUpdate,
  type StatusPageRecord,
} from './incident.js';

// A flapping deployment can add an update every few seconds for hours: keep the opening and the latest.
const maximumUpdates = 200;

export interface TrackedIncidentInit {
  id: string;
  scope: IncidentScope;
  key: string;
  title: string;
  severity: IncidentSeverity;
  detectedAt: number;
  members: Iterable<string>;
  parent: TrackedIncident | null;
}

export class TrackedIncident {
  id: string;
  readonly scope: IncidentScope;
  readonly key: string;
  readonly scopeKey: string;
  title: string;
  severity: IncidentSeverity;
  status: 'open' | 'resolved' = 'open';
  detectedAt: number;
  resolvedAt: number | null = null;
  /** While open: since when the scope has been healthy again (null while it is failing). */
  healthySince: number | null = null;
  /** The domain or provider incident this one is grouped under. */
  parent: TrackedIncident | null;
  /** Alerts go out for incidents opened on their own; one opened under a parent is covered by the parent's. */
  alerting: boolean;
  statusPage: StatusPageRecord | null = null;
  /** A first failure another replica saw earlier (adopted from the store). */
  adoptedFirstFailedAt: number | null = null;
  readonly members: Set<string>;
  readonly evidence = new EvidenceAccumulator();
  readonly updates: IncidentUpdate[] = [];

  constructor(init: TrackedIncidentInit) {
    this.id = init.id;
    this.scope = init.scope;
    this.key = init.key;
    this.scopeKey = scopeKeyOf(init);
    this.title = init.title;
    this.severity = init.severity;
    this.detectedAt = init.detectedAt;
    this.members = new Set(init.members);
    this.parent = init.parent;
    this.alerting = init.parent === null;
  }

  get isOpen(): boolean {
    return this.status === 'open';
  }

  addUpdate(update: IncidentUpdate): void {
    this.updates.push(update);
    if (this.updates.length > maximumUpdates) this.updates.splice(1, 1);
  }

  firstFailedAt(): number | null {
    const seen = this.evidence.firstFailedAt;
    if (this.adoptedFirstFailedAt === null) return seen;
    return seen === null ? this.adoptedFirstFailedAt : Math.min(seen, this.adoptedFirstFailedAt);
  }

  snapshot(): Incident {
    return structuredClone({
      id: this.id,
      scope: this.scope,
      key: this.key,
      scopeKey: this.scopeKey,
      parentId: this.parent?.id ?? null,
      title: this.title,
      severity: this.severity,
      status: this.status,
      firstFailedAt: this.firstFailedAt(),
      detectedAt: this.detectedAt,
      resolvedAt: this.resolvedAt,
      evidence: this.evidence.snapshot(),
      updates: this.updates,
      statusPage: this.statusPage,
      alerting: this.alerting,
    });
  }
}
