// The faults currently injected, and the decision for one request: which fault (if any) answers
// it. Latency faults add up; of the others, the most recently added one that matches and wins its
// probability draw applies, so an operator can layer "now make it hang" over an older fault.
// Faults with a duration expire by the injected clock (checked lazily, so no timers are left behind).
// Listeners hear of every fault added or removed (the simulated status pages keep a history from it).
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { FaultSpecError, parseFaultSpec, type Fault, type FaultSpec } from './fault-spec.js';

export interface FaultPlan {
  /** Sum of the matching latency faults, in milliseconds. */
  latencyMs: number;
  /** The fault that answers instead of the upstream, if any. */
  fault?: Fault;
}

/** What changed: a fault added, or one removed (by DELETE, clear, or being replaced by a fault with its id). */
export type FaultChange = { type: 'added'; fault: Fault } | { type: 'removed'; fault: Fault; at: number };
export type FaultChangeListener = (change: FaultChange) => void;

export type FaultTargetMatcher = (upstream: string, labels: ReadonlySet<string>) => boolean;

interface Entry {
  fault: Fault;
  matches: FaultTargetMatcher;
}

const labelPrefix = 'label:';
const noFaults: FaultPlan = { latencyMs: 0 };

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Compiles a fault target (name, glob, or `label:<label or glob>`) into a matcher over an upstream and its labels. */
export function compileTarget(target: string): FaultTargetMatcher {
  if (target.startsWith(labelPrefix)) {
    const label = target.slice(labelPrefix.length);
    if (!/[*?]/.test(label)) return (_upstream, labels) => labels.has(label);
    const pattern = globToRegExp(label);
    return (_upstream, labels) => {
      for (const candidate of labels) if (pattern.test(candidate)) return true;
      return false;
    };
  }
  if (!/[*?]/.test(target)) return (upstream) => upstream === target;
  const pattern = globToRegExp(target);
  return (upstream) => pattern.test(upstream);
}

export class FaultRegistry {
  private entries: Entry[] = [];
  private nextNumber = 1;
  /** Soonest expiry among the entries, so the hot path skips the expiry sweep almost always. */
  private nextExpiry = Number.POSITIVE_INFINITY;
  private readonly listeners = new Set<FaultChangeListener>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Adds a fault (validated; throws FaultSpecError). A spec whose id is already in use replaces that fault. */
  add(spec: FaultSpec): Fault {
    const parsed = parseFaultSpec(spec);
    const now = this.clock.now();
    let id = parsed.id;
    if (id === undefined) {
      do id = `f${this.nextNumber++}`;
      while (this.entries.some((entry) => entry.fault.id === id));
    }
    const fault: Fault = { ...parsed, id, probability: parsed.probability ?? 1, createdAt: now };
    if (parsed.durationMs !== undefined) {
      fault.expiresAt = now + parsed.durationMs;
      this.nextExpiry = Math.min(this.nextExpiry, fault.expiresAt);
    }
    const replaced = this.entries.filter((entry) => entry.fault.id === id);
    this.entries = this.entries.filter((entry) => entry.fault.id !== id);
    this.entries.push({ fault, matches: compileTarget(fault.target) });
    for (const entry of replaced) this.emit({ type: 'removed', fault: { ...entry.fault }, at: now });
    this.emit({ type: 'added', fault: { ...fault } });
    return fault;
  }

  remove(id: string): boolean {
    const removed = this.entries.filter((entry) => entry.fault.id === id);
    this.entries = this.entries.filter((entry) => entry.fault.id !== id);
    const at = this.clock.now();
    for (const entry of removed) this.emit({ type: 'removed', fault: { ...entry.fault }, at });
    return removed.length > 0;
  }

  /** Removes every fault; answers how many there were. */
  clear(): number {
    this.pruneExpired();
    const removed = this.entries;
    this.entries = [];
    this.nextExpiry = Number.POSITIVE_INFINITY;
    const at = this.clock.now();
    for (const entry of removed) this.emit({ type: 'removed', fault: { ...entry.fault }, at });
    return removed.length;
  }

  /** Hears of every fault added or removed (expiry is not announced: a fault's expiresAt says when). Returns the unsubscribe function. */
  onChange(listener: FaultChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  list(): Fault[] {
    this.pruneExpired();
    return this.entries.map((entry) => ({ ...entry.fault }));
  }

  /** Decides what happens to one request to `upstream`; draws from the seeded random only for faults with probability < 1. */
  plan(upstream: string, labels: ReadonlySet<string>): FaultPlan {
    if (this.entries.length === 0) return noFaults;
    this.pruneExpired();
    let latencyMs = 0;
    let chosen: Fault | undefined;
    for (let index = this.entries.length - 1; index >= 0; index -= 1) {
      const { fault, matches } = this.entries[index]!;
      if (fault.kind !== 'latency' && chosen) continue;
      if (!matches(upstream, labels)) continue;
      if (fault.probability < 1 && !(this.random.next() < fault.probability)) continue;
      if (fault.kind === 'latency') latencyMs += fault.ms ?? 0;
      else chosen = fault;
    }
    return chosen ? { latencyMs, fault: chosen } : { latencyMs };
  }

  private emit(change: FaultChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  private pruneExpired(): void {
    const now = this.clock.now();
    if (now < this.nextExpiry) return;
    this.entries = this.entries.filter((entry) => entry.fault.expiresAt === undefined || entry.fault.expiresAt > now);
    this.nextExpiry = Math.min(
      Number.POSITIVE_INFINITY,
      ...this.entries.map((entry) => entry.fault.expiresAt ?? Number.POSITIVE_INFINITY),
    );
  }
}

export { FaultSpecError };
