// A known hour of traffic and incidents, written into a real store for the report tests (not a test
// file itself). Every figure the tests expect is worked out by hand in the comments here.
//
// Window [12:00, 13:00) on 2026-01-01 UTC, report made at 13:00.
//   claude-direct (anthropic)  12:00  400 attempts, 400 ok                       latency 400 × 100 ms
//                              12:10  300 attempts, 218 ok, overloaded 60, server 22, 60 s ejected
//                                                                                latency 100 × 100 ms, 100 × 400 ms, 18 × 2,000 ms
//                              12:11  300 attempts, 300 ok, 30 s ejected          latency 300 × 100 ms
//                              → 1,000 attempts, 918 ok = 91.8%; ejected 90 s; 918 latency samples:
//                                800 × 100 ms, 100 × 400 ms, 18 × 2,000 ms. p50 = 459th → 100 ms bucket (99 ms),
//                                p95 = 873rd → 400 ms bucket (395 ms), p99 = 909th → 2,000 ms bucket (1,878 ms)
//                                (bucket values: 2^((⌊4·log2 ms⌋ + 0.5) / 4), see health/latency-histogram.ts)
//   claude-bedrock (bedrock)   12:10  600 attempts, 600 ok, 600 × 200 ms → 100.0%, every percentile 197 ms
//   claude-vertex (vertex)     12:30  100 attempts, 99 ok, server 1, 99 × 1,000 ms → 99.0%, percentiles 939 ms
//   gpt-4o (openai)            configured, no traffic → 0 requests, n/a
//   Outside the window (must not count): claude-direct 11:59 500 attempts all failed, 13:00 77 attempts all failed.
//
//   route sonnet  12:00 200 requests 200 ok; 12:10 300 requests 300 ok, 82 failovers, 28,700 ms extra
//                 → 500 requests, 100.0%, 82 failovers, 350 ms extra on average   (11:59: 50 failed, outside)
//   route opus    12:30 200 requests, 199 ok, 1 failed, 3 failovers, 3,000 ms extra → 99.5%, 1,000 ms on average
//   all routes    700 requests, 699 ok → 99.857% → 99.8% (rounded down), 85 failovers
//
//   incidents     inc-direct  deployment claude-direct, major, detected 12:10:01, resolved 12:12:01 (2 min),
//                             under inc-domain
//                 inc-domain  domain anthropic-model-layer, critical, first failure 12:10:00, detected 12:10:03,
//                             status page acknowledged 12:12:00 → lead 117 s, resolved 12:12:33 (2 min 30 s)
//                 inc-vertex  deployment claude-vertex, minor, detected 12:30:00, still open → 30 min at 13:00
//                 outside:    claude-direct 10:00–11:00 (resolved before the window), claude-bedrock detected 13:01
import { addSample, type LatencyHistogram } from '../../health/latency-histogram.js';
import type { IncidentStore } from '../store/incident-store.js';
import type { RollupRow } from '../store/rollup-rows.js';
import { incidentFixture } from '../../incidents/incident-test-kit.js';

export const windowStart = Date.UTC(2026, 0, 1, 12, 0, 0);
export const windowEnd = windowStart + 60 * 60_000;
export const minute = (n: number) => windowStart + n * 60_000;

export const deploymentProvider = {
  'claude-direct': 'anthropic',
  'claude-bedrock': 'bedrock',
  'claude-vertex': 'vertex',
  'gpt-4o': 'openai',
};
export const routeDeployments = {
  sonnet: ['claude-direct', 'claude-bedrock'],
  opus: ['claude-vertex', 'claude-direct'],
  gpt: ['gpt-4o'],
};

function latency(...samples: Array<[ms: number, count: number]>): LatencyHistogram {
  const histogram: LatencyHistogram = {};
  for (const [ms, count] of samples) for (let index = 0; index < count; index += 1) addSample(histogram, ms);
  return histogram;
}

function attempts(
  at: number,
  deployment: string,
  total: number,
  successes: number,
  failuresByKind: Record<string, number>,
  samples: LatencyHistogram,
  ejectedMs = 0,
): RollupRow {
  return {
    kind: 'deployment',
    minute: at,
    deployment,
    attempts: total,
    successes,
    failuresByKind,
    latency: samples,
    ejectedMs,
  };
}

function requests(
  at: number,
  route: string,
  total: number,
  successes: number,
  failovers = 0,
  extraLatencyMsSum = 0,
  hedges = 0,
  hedgesWon = 0,
): RollupRow {
  return {
    kind: 'route',
    minute: at,
    route,
    requests: total,
    successes,
    failures: total - successes,
    failovers,
    extraLatencyMsSum,
    hedges,
    hedgesWon,
  };
}

/** A gateway key's requests in one minute (by name). */
function keyRequests(
  at: number,
  key: string,
  total: number,
  successes: number,
  failovers: number,
  inputTokens: number,
  outputTokens: number,
): RollupRow {
  return {
    kind: 'key',
    minute: at,
    key,
    requests: total,
    successes,
    failures: total - successes,
    failovers,
    inputTokens,
    outputTokens,
  };
}

export async function seedKnownTraffic(store: IncidentStore): Promise<void> {
  await store.writeRollups([
    attempts(minute(0), 'claude-direct', 400, 400, {}, latency([100, 400])),
    attempts(
      minute(10),
      'claude-direct',
      300,
      218,
      { overloaded: 60, server: 22 },
      latency([100, 100], [400, 100], [2_000, 18]),
      60_000,
    ),
    attempts(minute(11), 'claude-direct', 300, 300, {}, latency([100, 300]), 30_000),
    attempts(minute(10), 'claude-bedrock', 600, 600, {}, latency([200, 600])),
    attempts(minute(30), 'claude-vertex', 100, 99, { server: 1 }, latency([1_000, 99])),
    attempts(minute(-1), 'claude-direct', 500, 0, { server: 500 }, {}),
    attempts(minute(60), 'claude-direct', 77, 0, { timeout: 77 }, {}),
    requests(minute(0), 'sonnet', 200, 200),
    requests(minute(10), 'sonnet', 300, 300, 82, 28_700, 12, 9),
    requests(minute(-1), 'sonnet', 50, 0),
    requests(minute(30), 'opus', 200, 199, 3, 3_000),
    keyRequests(minute(0), 'team-app', 200, 200, 0, 120_000, 30_000),
    keyRequests(minute(10), 'team-app', 300, 300, 82, 180_000, 45_000),
    keyRequests(minute(30), 'team-ci', 200, 199, 3, 64_000, 8_000),
    keyRequests(minute(-1), 'team-ci', 50, 0, 0, 0, 0),
  ]);
  const detected = minute(10) + 3_000;
  await store.saveIncident(
    incidentFixture({
      id: 'inc-domain',
      scope: 'domain',
      key: 'anthropic-model-layer',
      severity: 'critical',
      firstFailedAt: minute(10),
      detectedAt: detected,
      resolvedAt: minute(12) + 33_000,
      statusPage: { page: 'anthropic', incidentId: 'sp1', acknowledgedAt: minute(12), leadTimeMs: 117_000 },
      // Out of order on purpose: the timeline is sorted by time.
      updates: [
        { at: minute(12) + 33_000, type: 'resolved', message: 'anthropic-model-layer healthy for 30 s' },
        { at: detected, type: 'opened', message: 'anthropic-model-layer degraded: 2 of 3 deployments failing' },
        {
          at: minute(12),
          type: 'status-page-acknowledged',
          message: 'anthropic status page acknowledged (sp1) 1 min 57 s after our detection',
        },
      ],
    }),
  );
  await store.saveIncident(
    incidentFixture({
      id: 'inc-direct',
      scope: 'deployment',
      key: 'claude-direct',
      parentId: 'inc-domain',
      severity: 'major',
      firstFailedAt: minute(10),
      detectedAt: minute(10) + 1_000,
      resolvedAt: minute(12) + 1_000,
      updates: [{ at: minute(10) + 1_000, type: 'opened', message: 'claude-direct ejected (5 consecutive failures)' }],
    }),
  );
  await store.saveIncident(
    incidentFixture({
      id: 'inc-vertex',
      scope: 'deployment',
      key: 'claude-vertex',
      severity: 'minor',
      detectedAt: minute(30),
      updates: [],
    }),
  );
  await store.saveIncident(
    incidentFixture({
      id: 'inc-old',
      scope: 'deployment',
      key: 'claude-direct',
      severity: 'major',
      detectedAt: minute(-120),
      resolvedAt: minute(-60),
    }),
  );
  await store.saveIncident(
    incidentFixture({
      id: 'inc-later',
      scope: 'deployment',
      key: 'claude-bedrock',
      severity: 'major',
      detectedAt: minute(61),
    }),
  );
}
