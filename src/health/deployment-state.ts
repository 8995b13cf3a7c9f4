// The states a deployment and a failure domain can be in, and the state-change events health emits
// (incidents subscribe to them; a shared store publishes the local ones to other replicas).

export const deploymentStates = ['healthy', 'degraded', 'ejected', 'probing', 'isolated'] as const;
export type DeploymentState = (typeof deploymentStates)[number];

export type DomainState = 'healthy' | 'degraded';

/** Whether this replica decided a change itself, or applied one another replica decided. */
export type ChangeOrigin = 'local' | 'remote';

export interface StateChange {
  kind: 'deployment' | 'domain';
  /** Deployment id or domain name. */
  id: string;
  from: string;
  to: string;
  reason: string;
  at: number;
  origin: ChangeOrigin;
  /** Ejections only: when the ejection ends and how many ejections it counts (for publishing). */
  ejectedUntil?: number;
  ejectionCount?: number;
}

export type StateChangeListener = (change: StateChange) => void;

/** A decision made by another replica, as a shared store delivers it. */
export interface RemoteStateChange {
  id: string;
  to: DeploymentState;
  reason: string;
  at: number;
  ejectedUntil?: number;
  ejectionCount?: number;
}
