import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock.js';
import { publishAttempt, publishRequest } from '../../observability/channels.js';
import { seriesBucketMs, seriesWindowMs, TrafficSeries } from './traffic-series.js';

let series: TrafficSeries | undefined;
afterEach(() => series?.close());

function start(clock: ManualClock) {
  series = new TrafficSeries({ clock, deployments: ['claude-a', 'gpt-b'], routes: ['sonnet'] });
  return series;
}

describe('TrafficSeries', () => {
  it('keeps fifteen minutes of five-second buckets per deployment and per route, fed by the channels', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const traffic = start(clock);
    for (let index = 0; index < 10; index += 1)
      publishAttempt({
        route: 'sonnet',
        deployment: 'claude-a',
        provider: 'anthropic',
        kind: index < 5 ? 'success' : 'overloaded',
        latencyMs: 100,
        ...(index < 5 ? { timeToFirstTokenMs: 40 } : {}),
      });
    publishAttempt({
      route: 'sonnet',
      deployment: 'gpt-b',
      provider: 'openai',
      kind: 'success',
      latencyMs: 400,
    });
    publishRequest({
      route: 'sonnet',
      format: 'anthropic',
      stream: true,
      status: 200,
      succeeded: true,
      deployment: 'gpt-b',
      attempts: 3,
      failedOver: true,
      latencyMs: 700,
    });
    const view = traffic.view();
    expect(view.bucketMs).toBe(seriesBucketMs);
    const claude = view.deployments['claude-a']!;
    expect(claude.time).toHaveLength(seriesWindowMs / seriesBucketMs);
    const last = claude.time.length - 1;
    expect(claude.requestsPerSecond[last]).toBe(10 / 5);
    expect(claude.successRate[last]).toBe(0.5);
    expect(claude.latencyP50Ms[last]).toBeGreaterThan(90);
    expect(claude.latencyP50Ms[last]).toBeLessThan(110);
    expect(claude.timeToFirstTokenP50Ms[last]).toBeGreaterThan(35);
    expect(claude.successRate[last - 1]).toBeNull();
    expect(view.deployments['gpt-b']!.failovers[last]).toBe(1);
    const route = view.routes.sonnet!;
    expect(route.requestsPerSecond[last]).toBe(1 / 5);
    expect(route.failovers[last]).toBe(1);
    expect(route.latencyP95Ms[last]).toBeGreaterThan(600);
  });

  it('counts hedged attempts, ignores names it was not configured with, and forgets old buckets', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const traffic = start(clock);
    const hedged = { route: 'sonnet', deployment: 'gpt-b', provider: 'openai', kind: 'success', latencyMs: 5 } as const;
    traffic.recordAttempt({ ...hedged, role: 'hedge' });
    publishAttempt({ ...hedged, deployment: 'invented-by-a-client', route: 'invented' });
    let view = traffic.view();
    expect(Object.keys(view.deployments)).toEqual(['claude-a', 'gpt-b']);
    expect(Object.keys(view.routes)).toEqual(['sonnet']);
    expect(view.deployments['gpt-b']!.hedges.at(-1)).toBe(1);
    expect(view.routes.sonnet!.hedges.at(-1)).toBe(1);

    await clock.advance(seriesWindowMs + seriesBucketMs);
    view = traffic.view();
    expect(view.deployments['gpt-b']!.requestsPerSecond.every((rate) => rate === 0)).toBe(true);
  });

  it('returns only the buckets since a time, for the live stream', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const traffic = start(clock);
    await clock.advance(2 * seriesBucketMs);
    const recent = traffic.view(clock.now() - seriesBucketMs);
    expect(recent.deployments['claude-a']!.time).toHaveLength(2);
  });

  it('stops listening when closed', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const traffic = start(clock);
    traffic.close();
    publishAttempt({ route: 'sonnet', deployment: 'claude-a', provider: 'anthropic', kind: 'success', latencyMs: 1 });
    expect(traffic.view().deployments['claude-a']!.requestsPerSecond.at(-1)).toBe(0);
  });
});
