// What a reload may change in place and what needs a restart, decided from two whole configs.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { planReload } from '../../src/server/reload-plan.js';

const base = {
  deployments: [
    { id: 'a', provider: 'anthropic', model: 'claude-sonnet-4-6', apiKey: 'k' },
    { id: 'b', provider: 'openai', model: 'gpt-5', apiKey: 'k' },
  ],
  routes: [{ name: 'sonnet', deployments: ['a', 'b'] }],
};

describe('planReload', () => {
  it('sorts deployments into added, removed, changed and kept; routes and timeouts change in place', () => {
    const next = parseConfig({
      ...base,
      deployments: [
        { ...base.deployments[0], baseUrl: 'http://127.0.0.1:9/x' },
        { id: 'c', provider: 'openai', model: 'gpt-5-mini', apiKey: 'k' },
      ],
      routes: [{ name: 'sonnet', deployments: ['a', 'c'], hedge: 'auto' }],
      timeouts: { requestMs: 5_000 },
    });
    expect(planReload(parseConfig(base), next)).toEqual({
      ok: true,
      added: ['c'],
      removed: ['b'],
      changed: ['a'],
      kept: [],
    });
  });

  it('changed health defaults give every deployment a fresh start', () => {
    const next = parseConfig({ ...base, health: { defaults: { consecutiveFailures: 9 } } });
    expect(planReload(parseConfig(base), next)).toMatchObject({ ok: true, changed: ['a', 'b'], kept: [] });
  });

  it('refuses sections bound at start, naming each', () => {
    const next = parseConfig({
      ...base,
      server: { port: 7555 },
      store: false,
      health: { probes: { enabled: false } },
    });
    expect(planReload(parseConfig(base), next)).toEqual({
      ok: false,
      reason: 'server, store, health.probes changed: only a restart applies that',
    });
  });
});
