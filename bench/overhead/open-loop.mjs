// A fixed-rate (open-loop) load: requests leave evenly spaced at `rate` per second whatever the
// answers do, and each one's latency is counted from the moment it was due (so a generator that fell
// behind, or a server that made it wait, is counted, not hidden). autocannon's own rate limit is not
// used for this: each of its connections sends back to back until its share of the second is spent,
// then idles, so a "1000 req/s" run is really 32-way saturation for part of every second, and its p50
// measures throughput (≈ connections × CPU per request), which the saturated run measures directly.
import { Pool } from 'undici';

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/**
 * Sends `rate × seconds` POSTs to `url` and reads each answer to its end.
 * Resolves { sent, p50, p90, p99, errors, non2xx, responses, achievedRate } (milliseconds).
 */
export async function openLoop({ url, body, headers, rate, seconds, connections = 128 }) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const durations = [];
  let errors = 0;
  let non2xx = 0;
  let sent = 0;
  const inFlight = new Set();
  const fire = (dueAt) => {
    const request = pool
      .request({ method: 'POST', path: `${target.pathname}${target.search}`, headers, body })
      .then(async (answer) => {
        await answer.body.dump({ limit: Number.POSITIVE_INFINITY });
        if (answer.statusCode < 200 || answer.statusCode >= 300) non2xx += 1;
        else durations.push(performance.now() - dueAt);
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const startedAt = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
      while (sent < due) {
        fire(startedAt + sent * intervalMs);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, startedAt + sent * intervalMs - performance.now()));
      else resolve();
    };
    tick();
  });
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  await Promise.allSettled([...inFlight]);
  await pool.close();
  durations.sort((a, b) => a - b);
  return {
    sent,
    responses: durations.length,
    achievedRate: sent / elapsedSeconds,
    p50: percentile(durations, 0.5),
    p90: percentile(durations, 0.9),
    p99: percentile(durations, 0.99),
    errors,
    non2xx,
  };
}
