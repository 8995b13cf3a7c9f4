// Token counting through the attempt loop: only deployments whose adapter can count are tried, and
// they are never admitted otherwise (a probing one keeps its trial slot); a counting attempt fails
// over, is cut by the first-token limit, and is reported to health like any other.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/canonical/gateway-error.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { settle, setup } from './router-harness.js';

const countRequest = () => ({ ...simpleTextRequest(), stream: false });

describe('counting tokens through the router', () => {
  it('skips deployments that cannot count without admitting them, and fails over between those that can', async () => {
    const admitted: string[] = [];
    const { router, calls, recorded } = setup({
      scripts: {
        openai: [{ type: 'ok' }],
        a: [{ type: 'fail', kind: 'overloaded', status: 529 }],
        b: [{ type: 'ok' }],
      },
      counting: ['a', 'b'],
      admit: (id) => {
        admitted.push(id);
        return true;
      },
    });
    const counted = await router.countTokens(countRequest(), new AbortController().signal);
    expect(counted).toMatchObject({ type: 'count', inputTokens: 42 });
    expect(counted.deployment.id).toBe('b');
    expect(admitted).toEqual(['a', 'b']);
    expect(calls.map((call) => [call.deployment, call.operation])).toEqual([
      ['a', 'count-tokens'],
      ['b', 'count-tokens'],
    ]);
    expect(recorded.map((entry) => [entry.deployment, entry.outcome.kind])).toEqual([
      ['a', 'overloaded'],
      ['b', 'success'],
    ]);
  });

  it('cuts a counting attempt that does not answer within the first-token limit, and fails over', async () => {
    const { router, clock, calls, recorded } = setup({
      scripts: { a: [{ type: 'hang' }], b: [{ type: 'ok' }] },
      counting: ['a', 'b'],
      firstTokenMs: 2_000,
    });
    const counted = (await settle(router.countTokens(countRequest(), new AbortController().signal), clock)) as {
      deployment: { id: string };
    };
    expect(counted.deployment.id).toBe('b');
    expect(calls[1]!.at - calls[0]!.at).toBe(2_000);
    expect(recorded[0]).toMatchObject({ deployment: 'a', outcome: { kind: 'first-token-timeout' } });
  });

  it('throws an all-deployments-failed error, calling nothing, when no deployment of the route can count', async () => {
    const { router, calls } = setup({ scripts: { a: [{ type: 'ok' }] }, counting: [] });
    const thrown = await router.countTokens(countRequest(), new AbortController().signal).catch((error) => error);
    expect(GatewayError.isInstance(thrown)).toBe(true);
    expect((thrown as GatewayError).code).toBe('SWITCHYARD_ALL_DEPLOYMENTS_FAILED');
    expect(calls).toEqual([]);
  });

  it('never counts when asked to generate, whatever the adapters can do', async () => {
    const { router, calls } = setup({ scripts: { a: [{ type: 'ok' }] }, counting: ['a'] });
    const routed = await router.route(simpleTextRequest(), new AbortController().signal);
    expect(routed.type).toBe('response');
    expect(calls[0]!.operation).toBe('generate');
  });
});
