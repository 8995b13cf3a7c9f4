// /metrics shows the gateway's own waits beside the upstreams' times: how long attempts waited for
// an upstream connection (never charged to a deployment), and the event loop's delay.
import { afterEach, describe, expect, it } from 'vitest';
import { publishAttempt } from '../observability/channels.js';
import { type Metrics, createMetrics } from './metrics.js';

let metrics: Metrics | undefined;
afterEach(() => metrics?.close());

describe('metrics', () => {
  it('counts the time attempts waited for a connection, per deployment', async () => {
    metrics = createMetrics();
    const attempt = { route: 'sonnet', provider: 'anthropic', kind: 'success' as const, latencyMs: 800 };
    publishAttempt({ ...attempt, deployment: 'claude-a', connectionWaitMs: 1_500 });
    publishAttempt({ ...attempt, deployment: 'claude-a' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('switchyard_upstream_connection_wait_seconds_bucket{le="1",deployment="claude-a"} 1');
    expect(text).toContain('switchyard_upstream_connection_wait_seconds_bucket{le="5",deployment="claude-a"} 2');
    expect(text).toContain('switchyard_upstream_connection_wait_seconds_sum{deployment="claude-a"} 1.5');
    expect(text).toContain('switchyard_upstream_connection_wait_seconds_count{deployment="claude-a"} 2');
    expect(text).toMatch(/^switchyard_nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('shows the time the event loop was stalled (kept out of the upstreams’ waits)', async () => {
    let stalledMs = 250;
    metrics = createMetrics({ loopStalledMs: () => stalledMs, defaultMetrics: false });
    expect(await metrics.registry.metrics()).toContain('switchyard_event_loop_stalled_seconds_total 0.25');
    stalledMs = 1_750;
    expect(await metrics.registry.metrics()).toContain('switchyard_event_loop_stalled_seconds_total 1.75');
  });
});
