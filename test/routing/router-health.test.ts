// The attempt loop with a real HealthTracker on a manual clock: after a hard failure the dead
// deployment stops getting traffic, a degraded failure domain is skipped in one step, a healed
// deployment is readmitted, and when everything is ejected the panic pick is still tried. With shared
// health, an attempt whose fleet slot is refused is not sent: the loop, a hedge and a continuation go on
// without it, and a granted slot travels with its attempt to first content and outcome.
import { describe, expect, it } from 'vitest';
import { HealthTracker } from '../../src/health/health-tracker.js';
import { ActiveProber } from '../../src/health/active-probes.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { ManualClock } from '../support/manual-clock.js';
import { settle, setup, type Step } from './router-harness.js';

function trackerFor(ids: string[], domains: Record<string, string[]> = {}) {
  return (clock: ManualClock) =>
    new HealthTracker({ deployments: ids.map((id) => ({ id, domains: domains[id] ?? [] })), clock });
}

async function send(router: ReturnType<typeof setup>['router'], clock: ManualClock, count: number, spacingMs = 50) {
  const served: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const routed = (await settle(router.route(simpleTextRequest(), new AbortController().signal), clock)) as {
      deployment?: { id: string };
    };
    served.push(routed.deployment?.id ?? 'failed');
    await clock.advance(spacingMs);
  }
  return served;
}

describe('health-aware attempt loop', () => {
  it('stops sending traffic to a hard-down deployment once it is ejected, and readmits it after it heals', async () => {
    const down: Step = { type: 'fail', kind: 'overloaded', status: 529 };
    const scripts: Record<string, Step[]> = { a: [{ type: 'ok' }], b: [{ type: 'ok' }] };
    const clock = new ManualClock();
    let tracker: HealthTracker | undefined;
    const { router, calls } = setup({
      clock,
      scripts,
      health: (healthClock) => (tracker = trackerFor(['a', 'b'])(healthClock)),
    });
    expect(new Set(await send(router, clock, 40))).toEqual(new Set(['a']));
    scripts.a = [down];
    calls.length = 0;
    const served = await send(router, clock, 40);
    expect(served.every((id) => id === 'b')).toBe(true);
    const triesOnDead = calls.filter((call) => call.deployment === 'a').length;
    // A clean deployment is ejected after a short run of failures (5); in these 2 s no probe is due yet.
    expect(triesOnDead).toBeLessThanOrEqual(5);

    // Client traffic never goes to an ejected deployment while b is healthy: an active probe readmits it.
    scripts.a = [{ type: 'ok' }];
    const prober = new ActiveProber({
      tracker: tracker!,
      clock,
      probe: async () => ({ kind: scripts.a![0]!.type === 'ok' ? 'success' : 'overloaded', latencyMs: 5 }),
    });
    prober.start();
    await clock.advance(30_000);
    prober.stop();
    expect(prober.sent).toBeGreaterThanOrEqual(1);
    expect(tracker!.snapshot().deployments.find((deployment) => deployment.id === 'a')?.state).toBe('healthy');
    const after = await send(router, clock, 5);
    expect(after).toEqual(['a', 'a', 'a', 'a', 'a']);
  });

  it('goes straight to another family when a whole failure domain is degraded', async () => {
    const down: Step = { type: 'fail', kind: 'overloaded', status: 529 };
    const clock = new ManualClock();
    const domains = {
      'claude-a': ['anthropic-model-layer'],
      'claude-b': ['anthropic-model-layer'],
      gemini: ['google'],
    };
    const { router, calls } = setup({
      clock,
      domains,
      scripts: { 'claude-a': [down], 'claude-b': [down], gemini: [{ type: 'ok' }] },
      health: trackerFor(['claude-a', 'claude-b', 'gemini'], domains),
    });
    await send(router, clock, 20);
    calls.length = 0;
    await send(router, clock, 20);
    // Once the domain is degraded, each request makes at most one attempt on it (here: none).
    const onDomain = calls.filter((call) => call.deployment.startsWith('claude')).length;
    expect(onDomain).toBeLessThanOrEqual(2);
    expect(calls.filter((call) => call.deployment === 'gemini')).toHaveLength(20);
  });

  it('still tries the deployment most likely to have healed when every one is ejected (panic)', async () => {
    const down: Step = { type: 'fail', kind: 'overloaded', status: 529 };
    const scripts: Record<string, Step[]> = { a: [down], b: [down] };
    const clock = new ManualClock();
    const { router, calls } = setup({ clock, scripts, health: trackerFor(['a', 'b']), maxAttempts: 1 });
    await send(router, clock, 30);
    calls.length = 0;
    scripts.a = [{ type: 'ok' }];
    scripts.b = [{ type: 'ok' }];
    const served = await send(router, clock, 1);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(['a', 'b']).toContain(served[0]);
  });

  it('sends nothing to a deployment whose fleet slot is refused, and hands a granted slot to its attempt', async () => {
    const clock = new ManualClock();
    const reserved: string[] = [];
    const { router, calls, recorded } = setup({
      clock,
      scripts: { a: [{ type: 'ok' }], b: [{ type: 'ok' }] },
      reserve: async (id) => {
        reserved.push(id);
        return id === 'a' ? undefined : { reservation: `slot-${id}` };
      },
    });
    expect(await send(router, clock, 2)).toEqual(['b', 'b']);
    expect(calls.map((call) => call.deployment)).toEqual(['b', 'b']);
    expect(reserved).toEqual(['a', 'b', 'a', 'b']);
    expect(recorded.map((entry) => entry.slot)).toEqual([{ reservation: 'slot-b' }, { reservation: 'slot-b' }]);
  });

  it('reserves a retry’s slot on its first attempt’s admit: refused, it has no admit of its own to give back', async () => {
    const clock = new ManualClock();
    const reserved: Array<[string, boolean | undefined]> = [];
    const { router, calls } = setup({
      clock,
      scripts: { a: [{ type: 'fail', kind: 'server', status: 500 }, { type: 'ok' }] },
      reserve: (id, ownAdmit) => {
        reserved.push([id, ownAdmit]);
        return {};
      },
    });
    expect(await send(router, clock, 1)).toEqual(['a']);
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'a']);
    expect(reserved).toEqual([
      ['a', true],
      ['a', false],
    ]);
  });

  it('gives back a hedge’s admit and fleet slot granted after the client left, and sends or counts nothing on it', async () => {
    const clock = new ManualClock();
    const client = new AbortController();
    const { router, calls, recorded, givenBack } = setup({
      clock,
      scripts: { a: [{ type: 'hang' }], b: [{ type: 'ok' }] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 1 },
      // The slot for b is granted only after the client has gone (a slow fleet-wide reservation).
      reserve: (id) => {
        if (id !== 'b') return {};
        client.abort();
        return Promise.resolve({ reservation: 'slot-b' });
      },
    });
    await settle(router.route(simpleTextRequest(), client.signal), clock);
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
    expect(givenBack).toEqual([{ deployment: 'b', slot: { reservation: 'slot-b' } }]);
    // Given back, not counted: b was never sent, so it has no outcome.
    expect(recorded.filter((entry) => entry.deployment === 'b')).toEqual([]);
    expect(router.hedgeBudget.snapshot()).toMatchObject({ hedges: 0 });
  });

  it('starts no hedge on a deployment whose fleet slot is refused', async () => {
    const clock = new ManualClock();
    const { router, calls } = setup({
      clock,
      scripts: { a: [{ type: 'slow', ms: 3_000, answer: { type: 'ok' } }], b: [{ type: 'ok' }] },
      route: { hedge: { afterMs: 500 } },
      hedging: { budget: 1 },
      reserve: (id) => (id === 'b' ? Promise.resolve(undefined) : {}),
    });
    expect(await send(router, clock, 1)).toEqual(['a']);
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
    // The hedge taken from the budget was not sent: it is returned, not counted.
    expect(router.hedgeBudget.snapshot()).toMatchObject({ requests: 1, hedges: 0, denied: 0 });
  });
});
