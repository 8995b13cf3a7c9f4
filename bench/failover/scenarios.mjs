// The seven failover scenarios: which simulated upstreams exist, the gateway config each one runs,
// the fault, which deployments count as "the failing ones", what detection means there (ejection,
// degradation, or the failure domain marked degraded) and which targets apply.
//
// Every simulated upstream has the same timing (see `upstreamTiming`), so a failover by itself does
// not change client latency and the p50 target measures what the gateway adds.

import { simulatedDeployment } from './bench-setup.mjs';

export const routeName = 'claude-sonnet';
export const upstreamTiming = { timeToFirstTokenMs: 200, tokensPerSecond: 100 };

/** Per-deployment thresholds that let a latency spike degrade a deployment (off by default). */
const latencyThresholds = { timeToFirstTokenP95ThresholdMs: 1_000, latencyP95ThresholdMs: 2_000 };
/** Probes every 500 ms rather than 1 s: a dead deployment is confirmed and a healed one readmitted sooner. */
const probes = { intervalMs: 500 };

/** Config knobs the bench changes from the defaults, printed in the output header. */
export const changedKnobs = [
  `health.probes.intervalMs ${probes.intervalMs} (default 1000), every scenario`,
  `deployments[].health.timeToFirstTokenP95ThresholdMs ${latencyThresholds.timeToFirstTokenP95ThresholdMs} and latencyP95ThresholdMs ${latencyThresholds.latencyP95ThresholdMs} (default off), every deployment`,
  'hung upstream only: timeouts.firstTokenMs 2000 (default 30000) so hung attempts are abandoned, health.probes.timeoutMs 2000 (default 10000) so a probe of a hung upstream gives up as fast',
  'two replicas only: health.shared.redisUrl = a redis-server the bench starts on a free port',
];

function deployment(simulatorUrl, id, options = {}) {
  return simulatedDeployment(simulatorUrl, id, { ...options, health: { ...latencyThresholds } });
}

function gatewayConfig({ simulatorUrl, deployments, redisUrl, timeouts, probeTimeoutMs }) {
  return {
    server: { host: '127.0.0.1', port: 0 },
    deployments: deployments.map(([id, options]) => deployment(simulatorUrl, id, options)),
    routes: [{ name: routeName, deployments: deployments.map(([id]) => id) }],
    ...(timeouts ? { timeouts } : {}),
    health: {
      probes: { ...probes, ...(probeTimeoutMs ? { timeoutMs: probeTimeoutMs } : {}) },
      ...(redisUrl ? { shared: { redisUrl, keyPrefix: `bench-failover:${process.pid}` } } : {}),
    },
    logging: { level: 'silent' },
  };
}

const pair = [['claude-primary'], ['claude-secondary']];

/**
 * detect: which state change counts as "the gateway noticed": a failing deployment entering one of
 * `states`, or the failure domain `domain` marked degraded. targets: which of the optional targets apply.
 */
export const scenarios = [
  {
    name: 'hard-down',
    title: 'hard down (503)',
    upstreams: ['claude-primary', 'claude-secondary'],
    failing: ['claude-primary'],
    fault: { target: 'claude-primary', kind: 'error', status: 503 },
    detect: { states: ['ejected'] },
    targets: { ejection: true, deadRequests: true },
    config: ({ simulatorUrl }) => gatewayConfig({ simulatorUrl, deployments: pair }),
  },
  {
    name: '529-storm',
    title: '529 storm',
    upstreams: ['claude-primary', 'claude-secondary'],
    failing: ['claude-primary'],
    fault: { target: 'claude-primary', kind: 'error', status: 529 },
    detect: { states: ['ejected'] },
    targets: { ejection: true, deadRequests: true },
    config: ({ simulatorUrl }) => gatewayConfig({ simulatorUrl, deployments: pair }),
  },
  {
    name: '30pct-errors',
    title: '30% errors (500)',
    upstreams: ['claude-primary', 'claude-secondary'],
    failing: ['claude-primary'],
    fault: { target: 'claude-primary', kind: 'error', status: 500, probability: 0.3 },
    detect: { states: ['degraded', 'ejected'] },
    targets: { flaps: true },
    config: ({ simulatorUrl }) => gatewayConfig({ simulatorUrl, deployments: pair }),
  },
  {
    name: 'hung',
    title: 'hung upstream',
    upstreams: ['claude-primary', 'claude-secondary'],
    failing: ['claude-primary'],
    fault: { target: 'claude-primary', kind: 'hang' },
    detect: { states: ['ejected'] },
    targets: {},
    config: ({ simulatorUrl }) =>
      gatewayConfig({ simulatorUrl, deployments: pair, timeouts: { firstTokenMs: 2_000 }, probeTimeoutMs: 2_000 }),
  },
  {
    name: 'latency-spike',
    title: 'latency spike +2 s',
    upstreams: ['claude-primary', 'claude-secondary'],
    failing: ['claude-primary'],
    fault: { target: 'claude-primary', kind: 'latency', ms: 2_000 },
    detect: { states: ['degraded', 'ejected'] },
    targets: {},
    config: ({ simulatorUrl }) => gatewayConfig({ simulatorUrl, deployments: pair }),
  },
  {
    name: 'domain-down',
    title: 'whole domain down (529)',
    upstreams: ['claude-a', 'claude-b', 'gpt-c'],
    labels: { 'claude-a': ['anthropic-model-layer'], 'claude-b': ['anthropic-model-layer'] },
    failing: ['claude-a', 'claude-b'],
    fault: { target: 'label:anthropic-model-layer', kind: 'error', status: 529 },
    detect: { domain: 'anthropic-model-layer' },
    targets: { domainAttempts: true },
    config: ({ simulatorUrl }) =>
      gatewayConfig({
        simulatorUrl,
        deployments: [
          ['claude-a', { domains: ['anthropic-model-layer'] }],
          ['claude-b', { domains: ['anthropic-model-layer'] }],
          ['gpt-c', { provider: 'openai', domains: ['openai'] }],
        ],
      }),
  },
  {
    name: 'two-replicas',
    title: 'two replicas + Redis, 503',
    upstreams: ['claude-primary', 'claude-secondary'],
    failing: ['claude-primary'],
    fault: { target: 'claude-primary', kind: 'error', status: 503 },
    detect: { states: ['ejected'] },
    replicas: 2,
    needsRedis: true,
    targets: { ejection: true, deadRequests: true },
    config: ({ simulatorUrl, redisUrl }) => gatewayConfig({ simulatorUrl, deployments: pair, redisUrl }),
  },
];
