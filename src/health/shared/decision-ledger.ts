// What one replica knows about the state decisions of the fleet: the time of the newest decision per
// deployment (its own or another replica's), so an older decision arriving late never overrides a
// newer one; and its own decisions that did not reach Redis (made while Redis was away, or whose write
// failed), to be written once Redis is back.
// The tracker applies the same rule to what reaches it; the ledger also covers decisions found in
// Redis at start and own decisions still to be written.
import type { StateChange } from '../deployment-state.js';
import type { SharedDecision } from './shared-health-messages.js';

/**
 * The local change as a decision worth sharing, or undefined. Degraded flips (into degraded, or from
 * degraded back to healthy) are not shared: each replica derives them from the window, which already
 * covers the whole fleet once counts are shared, and the tracker would not apply them anyway.
 */
export function shareableDecision(change: StateChange, replica: string): SharedDecision | undefined {
  if (change.kind !== 'deployment' || change.origin !== 'local') return undefined;
  if (change.to === 'degraded' || (change.from === 'degraded' && change.to === 'healthy')) return undefined;
  const decision: SharedDecision = {
    replica,
    id: change.id,
    to: change.to as SharedDecision['to'],
    reason: change.reason,
    at: change.at,
  };
  if (change.ejectedUntil !== undefined) decision.ejectedUntil = change.ejectedUntil;
  if (change.ejectionCount !== undefined) decision.ejectionCount = change.ejectionCount;
  return decision;
}

export class DecisionLedger {
  private readonly newestAt = new Map<string, number>();
  private readonly unpublished = new Map<string, SharedDecision>();

  /** Records a decision this replica made or applied (or found in force when the share started). */
  note(id: string, at: number): void {
    const known = this.newestAt.get(id);
    if (known === undefined || at > known) this.newestAt.set(id, at);
  }

  /** A newer decision about the same deployment is already known. Equal times are not superseded. */
  isSuperseded(decision: Pick<SharedDecision, 'id' | 'at'>): boolean {
    const known = this.newestAt.get(decision.id);
    return known !== undefined && decision.at < known;
  }

  /** Keeps the latest own decision per deployment that Redis has not stored yet. */
  markUnpublished(decision: SharedDecision): void {
    const pending = this.unpublished.get(decision.id);
    if (!pending || decision.at >= pending.at) this.unpublished.set(decision.id, decision);
  }

  /** Hands out (and forgets) the own decisions still to be written, oldest first. */
  takeUnpublished(): SharedDecision[] {
    const decisions = [...this.unpublished.values()].sort((a, b) => a.at - b.at);
    this.unpublished.clear();
    return decisions;
  }
}
