// Outcome sequences through a HealthTracker of two deployments (primary, fallback) on a ManualClock,
// shared by the tracker's test files.
import type { AttemptOutcome } from '../../src/canonical/attempt.js';
import type { StateChange } from '../../src/health/deployment-state.js';
import type { HealthSettings } from '../../src/health/health-settings.js';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { ManualClock } from './manual-clock.js';

export const ok = (latencyMs = 200, timeToFirstTokenMs = 100): AttemptOutcome => ({
  kind: 'success',
  latencyMs,
  timeToFirstTokenMs,
});
export const down: AttemptOutcome = { kind: 'server', latencyMs: 30, status: 503 };

export function setup(settings?: Partial<HealthSettings>) {
  const clock = new ManualClock();
  const tracker = new HealthTracker({
    deployments: [
      { id: 'primary', domains: [], settings },
      { id: 'fallback', domains: [] },
    ],
    clock,
  });
  const changes: StateChange[] = [];
  tracker.onStateChange((change) => changes.push(change));
  /** Records outcomes one every gapMs (20 req/s by default). */
  const send = async (outcomes: AttemptOutcome[], id = 'primary', gapMs = 50) => {
    for (const outcome of outcomes) {
      await clock.advance(gapMs);
      tracker.record(id, outcome);
    }
  };
  const entry = (id = 'primary') => tracker.snapshot().deployments.find((deployment) => deployment.id === id)!;
  return { clock, tracker, changes, send, entry };
}

export const times = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);
