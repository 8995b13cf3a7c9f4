// The slow-failure scenarios of slow.mjs: upstreams, the gateway config, the fault, and how each one's
// figure and verdict are computed from the client records and the routers' attempts.
import { simulatedDeployment } from './bench-setup.mjs';
import { percentile } from './measure.mjs';

const probes = { intervalMs: 500, timeoutMs: 2_000 };

function config({ simulatorUrl, redisUrl, deployments, route = {}, timeouts = {}, health = {}, hedging }) {
  return {
    server: { host: '127.0.0.1', port: 0 },
    deployments: deployments.map(([id, options]) => simulatedDeployment(simulatorUrl, id, options)),
    routes: [{ name: 'bench', deployments: deployments.map(([id]) => id), ...route }],
    timeouts: { firstTokenMs: 30_000, ...timeouts },
    ...(hedging ? { hedging } : {}),
    health: {
      probes,
      ...health,
      ...(redisUrl ? { shared: { redisUrl, keyPrefix: `bench-slow:${process.pid}` } } : {}),
    },
    store: false,
    logging: { level: 'silent' },
  };
}

/** Figures shared by the scenarios' measure functions. */
function figures({ records, attempts, faultAt, healAt }) {
  const baseline = records.filter((record) => record.start < faultAt);
  const during = records.filter((record) => record.start >= faultAt && record.start < healAt);
  const ttft = (list) =>
    list.filter((record) => record.stream && record.headersAt).map((record) => record.headersAt - record.start);
  const share = (list) => (list.length ? list.filter((record) => record.ok).length / list.length : 1);
  return {
    during,
    baseline,
    successDuring: share(during),
    success: share(records),
    baselineTtftP99: percentile(ttft(baseline), 0.99),
    duringTtftP99: percentile(ttft(during), 0.99),
    attemptsOn: (names, from = faultAt, to = healAt) =>
      attempts.filter((attempt) => names.includes(attempt.deployment) && attempt.start >= from && attempt.start < to),
    hedges: (from, to) =>
      attempts.filter((attempt) => attempt.role === 'hedge' && attempt.start >= from && attempt.start < to),
  };
}

const percent = (value) => `${(value * 100).toFixed(1)}%`;
const ms = (value) => (value === null || value === undefined ? 'n/a' : `${Math.round(value)} ms`);
const pair = (options = {}) => [['claude-primary'], ['claude-secondary', options]];
/** The hedge delay never goes under this (hedging.minimumDelayMs, as its default). */
const hedgeMinimumDelayMs = 50;

/** A scenario on the route primary → secondary where the primary fails: 25 req/s unless said otherwise. */
const onPrimary = (scenario) => ({
  rate: 25,
  upstreams: ['claude-primary', 'claude-secondary'],
  failing: ['claude-primary'],
  ...scenario,
  fault: { target: 'claude-primary', ...scenario.fault },
});

export const slowScenarios = [
  {
    name: 'hung-domain',
    title: 'hung domain (2 of 3 hang)',
    target: '≤ 12 client requests wait on the hung family; 100% success',
    setup:
      '25 req/s; claude-a, claude-b share anthropic-model-layer and hang; gpt-c answers; default health and timeouts',
    rate: 25,
    baselineMs: 10_000,
    faultMs: 15_000,
    afterMs: 5_000,
    upstreams: ['claude-a', 'claude-b', 'gpt-c'],
    labels: { 'claude-a': ['anthropic-model-layer'], 'claude-b': ['anthropic-model-layer'] },
    failing: ['claude-a', 'claude-b'],
    fault: { target: 'label:anthropic-model-layer', kind: 'hang' },
    config: ({ simulatorUrl }) =>
      config({
        simulatorUrl,
        deployments: [
          ['claude-a', { domains: ['anthropic-model-layer'] }],
          ['claude-b', { domains: ['anthropic-model-layer'] }],
          ['gpt-c', { provider: 'openai', domains: ['openai'] }],
        ],
      }),
    measure(observed) {
      const found = figures(observed);
      const waited = found.attemptsOn(['claude-a', 'claude-b']).length;
      return {
        figure: `${waited} client attempts on the hung family; success ${percent(found.success)} (${observed.records.length} requests)`,
        pass: waited <= 12 && found.success === 1,
      };
    },
  },
  onPrimary({
    name: 'slow-first-token',
    title: 'slow first token (+20 s)',
    target: 'p99 TTFT ≤ pre-fault p99 + hedge delay; healthy hedges ≤ 5%',
    setup:
      '25 req/s; primary → secondary, hedge: auto, budget 5% over 10 s; latency fault +20 s on the primary; default health settings',
    baselineMs: 10_000,
    faultMs: 15_000,
    afterMs: 5_000,
    fault: { kind: 'latency', ms: 20_000 },
    config: ({ simulatorUrl }) =>
      config({
        simulatorUrl,
        deployments: pair(),
        route: { hedge: 'auto' },
        hedging: { minimumDelayMs: hedgeMinimumDelayMs },
      }),
    measure(observed) {
      const found = figures(observed);
      // The delay the router waits: the learned p95, but never under hedging.minimumDelayMs.
      const delay = Math.max(observed.learned?.p95 ?? 0, hedgeMinimumDelayMs);
      const healthyHedges = found.hedges(0, observed.faultAt).length;
      const healthyRatio = healthyHedges / Math.max(1, found.baseline.length);
      const limit = (found.baselineTtftP99 ?? 0) + delay;
      return {
        figure: `stream TTFT p99 ${ms(found.baselineTtftP99)} → ${ms(found.duringTtftP99)} (hedge delay ${ms(delay)}); healthy hedges ${percent(healthyRatio)}; success ${percent(found.success)}`,
        pass: found.duringTtftP99 !== null && found.duringTtftP99 <= limit && healthyRatio <= 0.05,
      };
    },
  }),
  onPrimary({
    name: 'stream-cut',
    title: 'stream cut mid-answer',
    target: '100% of streams complete (continued on a prefill deployment)',
    setup:
      '25 req/s; primary → secondary (prefill: true), continuation: on; the primary cuts every stream after 6 events',
    baselineMs: 5_000,
    faultMs: 15_000,
    afterMs: 5_000,
    fault: { kind: 'cut', afterEvents: 6 },
    config: ({ simulatorUrl }) =>
      config({ simulatorUrl, deployments: pair({ prefill: true }), route: { continuation: 'on' } }),
    measure(observed) {
      const found = figures(observed);
      const continued = observed.attempts.filter((attempt) => attempt.role === 'continuation').length;
      return {
        figure: `success ${percent(found.successDuring)} during the fault (${found.during.length} requests, ${continued} continuations)`,
        pass: found.successDuring === 1,
      };
    },
  }),
  onPrimary({
    name: 'stream-stall',
    title: 'stream stall mid-answer',
    target: '100% of streams complete (stall cut and continued)',
    setup:
      '25 req/s; primary → secondary (prefill: true), continuation: on, timeouts.stallFloorMs 1000; the primary goes silent after 6 events',
    baselineMs: 5_000,
    faultMs: 15_000,
    afterMs: 5_000,
    fault: { kind: 'stall', afterEvents: 6 },
    config: ({ simulatorUrl }) =>
      config({
        simulatorUrl,
        deployments: pair({ prefill: true }),
        route: { continuation: 'on' },
        timeouts: { stallFloorMs: 1_000 },
      }),
    measure(observed) {
      const found = figures(observed);
      const durations = found.during.map((record) => record.end - record.start);
      return {
        figure: `success ${percent(found.successDuring)} during the fault (${found.during.length} requests); p99 latency ${ms(percentile(durations, 0.99))}`,
        pass: found.successDuring === 1,
      };
    },
  }),
  onPrimary({
    name: 'low-traffic-flap',
    title: 'low traffic (1 req / 4 s) 503',
    target: '≤ 3 client attempts on the dead primary; probes find the recovery',
    setup: '0.25 req/s; primary → secondary; the primary answers 503 for 30 s, then heals',
    rate: 0.25,
    baselineMs: 20_000,
    faultMs: 30_000,
    afterMs: 15_000,
    fault: { kind: 'error', status: 503 },
    config: ({ simulatorUrl }) => config({ simulatorUrl, deployments: pair() }),
    measure(observed) {
      const found = figures(observed);
      const paid = found.attemptsOn(['claude-primary']).filter((attempt) => attempt.kind !== 'success').length;
      const afterHeal = observed.attempts.filter(
        (attempt) => attempt.deployment === 'claude-primary' && attempt.start >= observed.healAt,
      );
      const state = observed.gateways[0].tracker.snapshot().deployments.find((entry) => entry.id === 'claude-primary');
      const recovered = state.state === 'healthy';
      return {
        figure: `${paid} failed client attempts on the primary; after the heal: ${recovered ? 'readmitted' : state.state}, ${afterHeal.filter((attempt) => attempt.kind !== 'success').length} failed client attempts`,
        pass: paid <= 3 && recovered,
      };
    },
  }),
  onPrimary({
    name: 'two-replicas-hard-down',
    title: 'two replicas + Redis, 503',
    target: '≤ 5 client attempts on the dead primary across the fleet',
    setup: '25 req/s over two gateways sharing health through Redis; the primary answers 503',
    replicas: 2,
    baselineMs: 10_000,
    faultMs: 10_000,
    afterMs: 5_000,
    fault: { kind: 'error', status: 503 },
    config: ({ simulatorUrl, redisUrl }) => config({ simulatorUrl, redisUrl, deployments: pair() }),
    measure(observed) {
      const found = figures(observed);
      const paid = found.attemptsOn(['claude-primary']).filter((attempt) => attempt.kind !== 'success').length;
      return {
        figure: `${paid} failed client attempts on the primary across both replicas; success ${percent(found.success)}`,
        pass: paid <= 5,
      };
    },
  }),
];
