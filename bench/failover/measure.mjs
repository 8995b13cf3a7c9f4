// Turns one scenario's raw observations (client records, health state changes per replica, attempts
// the routers made, simulator counters) into the figures of its table row. All times are
// performance.now() milliseconds of this process.

const baselineLatencyWindowMs = 8_000;

export function percentile(values, fraction) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function successRate(records) {
  if (records.length === 0) return null;
  return records.filter((record) => record.ok).length / records.length;
}

function latencies(records) {
  const durations = records.map((record) => record.end - record.start);
  return { p50: percentile(durations, 0.5), p99: percentile(durations, 0.99), count: durations.length };
}

/** Requests the named upstreams received by the time of `stats`; `field: 'probes'` counts the gateway's probes alone. */
function upstreamRequests(stats, names, field = 'requests') {
  return names.reduce((sum, name) => sum + (stats?.upstreams?.[name]?.[field] ?? 0), 0);
}

/** When each replica noticed the fault: the first matching state change after it began (null: never). */
function detections(scenario, changes, replicas, faultAt) {
  return Array.from({ length: replicas }, (_, replica) => {
    const found = changes.find((change) => {
      if (change.replica !== replica || change.t < faultAt) return false;
      if (scenario.detect.domain)
        return change.kind === 'domain' && change.id === scenario.detect.domain && change.to === 'degraded';
      return (
        change.kind === 'deployment' &&
        scenario.failing.includes(change.id) &&
        scenario.detect.states.includes(change.to)
      );
    });
    return found ? { t: found.t, state: found.to } : null;
  });
}

/**
 * Time from the heal until every watched entity is healthy for good on every replica: the last
 * transition into healthy after the heal (0 when it was healthy at the heal and stayed so), null
 * when it was not healthy at the end of the run. "For good" matters: a deployment that drifted back
 * to healthy while still failing and was degraded again after the heal is readmitted only later.
 */
function readmission(changes, replicas, entities, healAt) {
  let latest = 0;
  for (let replica = 0; replica < replicas; replica += 1) {
    for (const { kind, id } of entities) {
      const own = changes.filter((change) => change.replica === replica && change.kind === kind && change.id === id);
      if ((own.at(-1)?.to ?? 'healthy') !== 'healthy') return null;
      const back = own.filter((change) => change.t >= healAt && change.to === 'healthy').at(-1);
      if (back) latest = Math.max(latest, back.t - healAt);
    }
  }
  return latest;
}

/**
 * Flaps during the fault: the deployment came back to healthy while still failing (an ejected →
 * … → healthy or degraded → healthy cycle), or was ejected from service again after its first
 * ejection. Re-ejection after a failed probe (probing → ejected) is the breaker holding, not a flap.
 */
function flaps(scenario, changes, replicas, faultAt, healAt) {
  let worst = { flaps: 0, ejections: 0 };
  for (let replica = 0; replica < replicas; replica += 1) {
    let flapCount = 0;
    let ejectionCount = 0;
    for (const id of scenario.failing) {
      const during = changes.filter(
        (change) =>
          change.replica === replica &&
          change.kind === 'deployment' &&
          change.id === id &&
          change.t >= faultAt &&
          change.t < healAt,
      );
      const returns = during.filter((change) => change.to === 'healthy').length;
      const fromService = during.filter(
        (change) => change.to === 'ejected' && (change.from === 'healthy' || change.from === 'degraded'),
      ).length;
      flapCount += returns + Math.max(0, fromService - 1);
      ejectionCount += during.filter((change) => change.to === 'ejected').length;
    }
    if (flapCount > worst.flaps || (flapCount === worst.flaps && ejectionCount > worst.ejections))
      worst = { flaps: flapCount, ejections: ejectionCount };
  }
  return worst;
}

export function measure(scenario, run) {
  const { records, changes, attempts, stats, replicas, startAt, faultAt, healAt, endAt } = run;
  const found = detections(scenario, changes, replicas, faultAt);
  const detectedAt = found.every(Boolean) ? Math.max(...found.map((entry) => entry.t)) : null;
  const detectedState = found.find(Boolean)?.state ?? null;
  const duringFault = records.filter((record) => record.start >= faultAt && record.start < healAt);
  const steadyFrom = detectedAt ?? faultAt;
  const steady = records.filter((record) => record.start >= steadyFrom && record.start < healAt);
  const baseline = records.filter(
    (record) => record.start >= faultAt - baselineLatencyWindowMs && record.start < faultAt,
  );

  const toFailing = upstreamRequests(stats.heal, scenario.failing) - upstreamRequests(stats.fault, scenario.failing);
  // The simulator tells probes apart by the header the gateway sends on them (x-switchyard-probe).
  const probes =
    upstreamRequests(stats.heal, scenario.failing, 'probes') -
    upstreamRequests(stats.fault, scenario.failing, 'probes');
  const clientAttempts = attempts.filter(
    (attempt) => scenario.failing.includes(attempt.deployment) && attempt.start >= faultAt && attempt.start < healAt,
  ).length;

  const entities = scenario.failing.map((id) => ({ kind: 'deployment', id }));
  if (scenario.detect.domain) entities.push({ kind: 'domain', id: scenario.detect.domain });

  let domainAttempts = null;
  if (scenario.targets.domainAttempts && detectedAt !== null) {
    // Attempts on the failing domain per request once it is degraded: every attempt but the
    // answering one when another family answered, all of them when a domain member did.
    const perRequest = steady.map((record) =>
      scenario.failing.includes(record.deployment) ? record.attempts : Math.max(0, record.attempts - 1),
    );
    const upstreamShare =
      steady.length > 0
        ? (upstreamRequests(stats.heal, scenario.failing) - upstreamRequests(stats.detected, scenario.failing)) /
          steady.length
        : null;
    domainAttempts = {
      max: perRequest.length > 0 ? Math.max(...perRequest) : null,
      simulatorPerRequest: upstreamShare,
    };
  }

  return {
    sent: records.length,
    durationS: (endAt - startAt) / 1000,
    successAll: successRate(records),
    successFault: successRate(duringFault),
    failures: records.filter((record) => !record.ok),
    detectionMs: detectedAt === null ? null : detectedAt - faultAt,
    detectedState: scenario.detect.domain ? 'domain degraded' : detectedState,
    toFailing,
    clientRequests: toFailing - probes,
    clientAttempts,
    probes,
    before: latencies(baseline),
    during: latencies(steady),
    readmissionMs: readmission(changes, replicas, entities, healAt),
    flaps: flaps(scenario, changes, replicas, faultAt, healAt),
    domainAttempts,
  };
}
