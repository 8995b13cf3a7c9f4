// The attempt loop, driven by scripted attempt outcomes and a manual clock: retry vs fail over per
// outcome kind, retry-after, one deadline, fail over before the first byte, error after it.
import { describe, expect, it } from 'vitest';
import type { RoutedStream } from '../../src/routing/routed.js';
import { UpstreamError, type FailureKind } from '../../src/canonical/errors.js';
import { GatewayError } from '../../src/canonical/gateway-error.js';
import { outcomePolicies } from '../../src/health/outcome-policy.js';
import type { CanonicalStreamEvent } from '../../src/canonical/stream-event.js';
import { AbortReason } from '../../src/transport/abort-reasons.js';
import { flushMicrotasks } from '../support/manual-clock.js';
import { simpleTextRequest } from '../support/canonical-fixtures.js';
import { setup, settle, textStream } from './router-harness.js';

describe('attempt loop', () => {
  it('serves from the first deployment when it answers', async () => {
    const { router, calls } = setup({ scripts: { a: [{ type: 'ok' }], b: [] } });
    const routed = await router.route(simpleTextRequest(), new AbortController().signal);
    expect(routed.deployment.id).toBe('a');
    expect(routed.attempts).toHaveLength(1);
    expect(calls.map((call) => call.deployment)).toEqual(['a']);
  });

  it('fails over at once while an alternative exists, and retries the last deployment with jittered backoff', async () => {
    const { router, clock, calls, recorded } = setup({
      scripts: {
        a: [{ type: 'fail', kind: 'overloaded', status: 529 }],
        b: [{ type: 'fail', kind: 'overloaded', status: 529 }, { type: 'ok' }],
      },
    });
    const started = clock.now();
    const routed = (await settle(router.route(simpleTextRequest(), new AbortController().signal), clock)) as {
      deployment: { id: string };
      attempts: unknown[];
    };
    expect(routed.deployment.id).toBe('b');
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'b', 'b']);
    expect(calls[1]!.at).toBe(started);
    const backoff = calls[2]!.at - started;
    expect(backoff).toBeGreaterThanOrEqual(0);
    expect(backoff).toBeLessThanOrEqual(200 + 50);
    expect(routed.attempts).toHaveLength(3);
    expect(recorded.map((entry) => entry.outcome.kind)).toEqual(['overloaded', 'overloaded', 'success']);
  });

  it.each<FailureKind>(['auth', 'not-found', 'timeout', 'first-token-timeout', 'local'])(
    'fails over at once on %s',
    async (kind) => {
      const { router, calls } = setup({ scripts: { a: [{ type: 'fail', kind }], b: [{ type: 'ok' }] } });
      const routed = await router.route(simpleTextRequest(), new AbortController().signal);
      expect(routed.deployment.id).toBe('b');
      expect(calls.map((call) => call.deployment)).toEqual(['a', 'b']);
    },
  );

  it.each<FailureKind>(['connect', 'server', 'overloaded', 'stream-interrupted', 'rate-limited'])(
    'retries the only deployment on %s',
    async (kind) => {
      const { router, clock, calls } = setup({ scripts: { a: [{ type: 'fail', kind }, { type: 'ok' }] } });
      const routed = (await settle(router.route(simpleTextRequest(), new AbortController().signal), clock)) as {
        deployment: { id: string };
      };
      expect(routed.deployment.id).toBe('a');
      expect(calls.map((call) => call.deployment)).toEqual(['a', 'a']);
    },
  );

  it.each<[FailureKind, number]>([
    ['invalid-request', 400],
    ['content-filter', 400],
  ])('never fails over a client error (%s)', async (kind, status) => {
    const { router, calls } = setup({ scripts: { a: [{ type: 'fail', kind, status }], b: [{ type: 'ok' }] } });
    const error = await router
      .route(simpleTextRequest(), new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(GatewayError.isInstance(error)).toBe(true);
    expect((error as GatewayError).status).toBe(status);
    expect((error as GatewayError).shouldRetry).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('honours retry-after when it fits inside the deadline', async () => {
    const { router, clock, calls } = setup({
      scripts: { a: [{ type: 'fail', kind: 'rate-limited', status: 429, retryAfterMs: 1_500 }, { type: 'ok' }] },
    });
    const started = clock.now();
    await settle(router.route(simpleTextRequest(), new AbortController().signal), clock);
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'a']);
    expect(calls[1]!.at - started).toBeGreaterThanOrEqual(1_500);
    expect(calls[1]!.at - started).toBeLessThan(1_600);
  });

  it('does not wait for a retry-after that does not fit inside the deadline', async () => {
    const { router, calls } = setup({
      requestMs: 10_000,
      scripts: { a: [{ type: 'fail', kind: 'rate-limited', status: 429, retryAfterMs: 60_000 }] },
    });
    const error = (await router
      .route(simpleTextRequest(), new AbortController().signal)
      .catch((caught: unknown) => caught)) as GatewayError;
    // Every deployment rate-limited: the client hears a rate limit, with the upstream's retry-after.
    expect(error.status).toBe(429);
    expect(error.upstreamType).toBe('rate_limit_error');
    expect(error.retryAfterMs).toBe(60_000);
    expect(calls).toHaveLength(1);
  });

  it('abandons a hung deployment after the first-token timeout and fails over', async () => {
    const { router, clock, calls, recorded } = setup({
      firstTokenMs: 2_000,
      scripts: { a: [{ type: 'hang' }], b: [{ type: 'ok' }] },
    });
    const routed = (await settle(router.route(simpleTextRequest(), new AbortController().signal), clock)) as {
      deployment: { id: string };
    };
    expect(routed.deployment.id).toBe('b');
    expect(calls[1]!.at - calls[0]!.at).toBe(2_000);
    expect(recorded[0]!.outcome.kind).toBe('first-token-timeout');
  });

  it('keeps every attempt inside one deadline and then answers 504', async () => {
    const { router, clock, calls } = setup({
      requestMs: 3_000,
      firstTokenMs: 2_000,
      scripts: { a: [{ type: 'hang' }], b: [{ type: 'hang' }], c: [{ type: 'hang' }] },
    });
    const started = clock.now();
    const error = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as GatewayError;
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error.status).toBe(504);
    expect(error.upstreamType).toBe('timeout_error');
    expect(error.code).toBe('SWITCHYARD_DEADLINE_EXCEEDED');
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'b']);
    expect(clock.now() - started).toBeLessThanOrEqual(3_050);
    expect(error.attempts?.map((attempt) => attempt.kind)).toEqual(['first-token-timeout', 'timeout']);
  });

  it('answers 529 overloaded with a summary and retry-after when every deployment fails', async () => {
    const { router, clock } = setup({
      maxAttempts: 1,
      scripts: { a: [{ type: 'fail', kind: 'overloaded', status: 529 }], b: [{ type: 'fail', kind: 'connect' }] },
    });
    const error = (await settle(
      router.route(simpleTextRequest(), new AbortController().signal),
      clock,
    )) as GatewayError;
    expect(error.status).toBe(529);
    expect(error.upstreamType).toBe('overloaded_error');
    expect(error.code).toBe('SWITCHYARD_ALL_DEPLOYMENTS_FAILED');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.message).toContain('a: overloaded (529); b: connect');
    expect(error.attempts).toHaveLength(2);
  });

  it('fails over a context-length error only to a larger deployment', async () => {
    const larger = setup({
      contextWindows: { a: 100_000, b: 50_000, c: 1_000_000 },
      scripts: { a: [{ type: 'fail', kind: 'context-length', status: 400 }], b: [{ type: 'ok' }], c: [{ type: 'ok' }] },
    });
    const routed = await larger.router.route(simpleTextRequest(), new AbortController().signal);
    expect(routed.deployment.id).toBe('c');
    expect(larger.calls.map((call) => call.deployment)).toEqual(['a', 'c']);

    const none = setup({
      contextWindows: { a: 100_000, b: 50_000 },
      scripts: { a: [{ type: 'fail', kind: 'context-length', status: 400 }], b: [{ type: 'ok' }] },
    });
    const error = (await none.router
      .route(simpleTextRequest(), new AbortController().signal)
      .catch((caught: unknown) => caught)) as GatewayError;
    expect(error.status).toBe(400);
    expect(error.shouldRetry).toBe(false);
  });

  it('fails an unsupported beta or field over to the next deployment without blaming the first one', async () => {
    const { router, calls, recorded } = setup({
      scripts: { a: [{ type: 'fail', kind: 'unsupported-feature', status: 400 }], b: [{ type: 'ok' }] },
    });
    const routed = await router.route(simpleTextRequest(), new AbortController().signal);
    expect(routed.deployment.id).toBe('b');
    expect(calls.map((call) => call.deployment)).toEqual(['a', 'b']);
    expect(recorded[0]).toMatchObject({ deployment: 'a', outcome: { kind: 'unsupported-feature' } });
    expect(outcomePolicies['unsupported-feature'].countsAgainstHealth).toBe(false);

    // When no deployment takes it, the client hears the platform's 400, not an overload.
    const nowhere = setup({
      maxAttempts: 1,
      scripts: {
        a: [{ type: 'fail', kind: 'unsupported-feature', status: 400 }],
        b: [{ type: 'fail', kind: 'unsupported-feature', status: 400 }],
      },
    });
    const error = (await nowhere.router
      .route(simpleTextRequest(), new AbortController().signal)
      .catch((caught: unknown) => caught)) as GatewayError;
    expect(error.status).toBe(400);
    expect(error.upstreamType).toBe('invalid_request_error');
    expect(error.shouldRetry).toBe(false);
    expect(error.message).toBe('unsupported-feature from b');
    expect(nowhere.calls.map((call) => call.deployment)).toEqual(['a', 'b']);
  });

  it('skips deployments that health does not admit', async () => {
    const { router, calls } = setup({
      admit: (id) => id !== 'a',
      scripts: { a: [{ type: 'ok' }], b: [{ type: 'ok' }] },
    });
    const routed = await router.route(simpleTextRequest(), new AbortController().signal);
    expect(routed.deployment.id).toBe('b');
    expect(calls.map((call) => call.deployment)).toEqual(['b']);
  });

  it('stops at once when the client aborts during backoff', async () => {
    const { router, clock, calls } = setup({ scripts: { a: [{ type: 'fail', kind: 'overloaded' }] } });
    const client = new AbortController();
    const pending = router.route(simpleTextRequest(), client.signal).catch((caught: unknown) => caught);
    await flushMicrotasks();
    expect(clock.pendingSleepers).toBeGreaterThan(0);
    client.abort();
    const error = await pending;
    expect(AbortReason.isInstance(error) && error.kind).toBe('client-aborted');
    expect(calls).toHaveLength(1);
  });

  it('fails a stream over while no content has been produced', async () => {
    const { router, recorded, clock } = setup({
      scripts: {
        a: [
          { type: 'stream', events: [{ type: 'message-start' }], thenFail: 'stream-interrupted' },
          {
            type: 'stream',
            events: [
              { type: 'message-start' },
              { type: 'error', error: new UpstreamError({ kind: 'overloaded', message: 'Overloaded' }) },
            ],
          },
        ],
        b: [{ type: 'stream', events: textStream }],
      },
    });
    const routed = (await settle(
      router.route(simpleTextRequest({ stream: true }), new AbortController().signal),
      clock,
    )) as RoutedStream;
    expect(routed.deployment.id).toBe('b');
    const events: CanonicalStreamEvent[] = [];
    for await (const event of routed.events) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'message-start',
      'block-start',
      'text-delta',
      'block-end',
      'finish',
    ]);
    expect(recorded.map((entry) => entry.outcome.kind)).toEqual(['stream-interrupted', 'success']);
  });

  it('ends a committed stream with an error event, not a silent truncation', async () => {
    const { router, recorded, calls } = setup({
      scripts: {
        a: [{ type: 'stream', events: textStream.slice(0, 3), thenFail: 'stream-interrupted' }],
        b: [{ type: 'stream', events: textStream }],
      },
    });
    const routed = (await router.route(
      simpleTextRequest({ stream: true }),
      new AbortController().signal,
    )) as RoutedStream;
    const events: CanonicalStreamEvent[] = [];
    for await (const event of routed.events) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['message-start', 'block-start', 'text-delta', 'error']);
    expect(calls).toHaveLength(1);
    expect(recorded.map((entry) => entry.outcome.kind)).toEqual(['stream-interrupted']);
  });
});

describe('stream outcome reporting', () => {
  it('records success when the consumer stops right after the finish event', async () => {
    const { router, recorded } = setup({ scripts: { a: [{ type: 'stream', events: textStream }] } });
    const routed = (await router.route(
      simpleTextRequest({ stream: true }),
      new AbortController().signal,
    )) as RoutedStream;
    for await (const event of routed.events) if (event.type === 'finish') break;
    expect(recorded.map((entry) => entry.outcome.kind)).toEqual(['success']);
  });

  it('records client-aborted and stops the upstream when the consumer leaves mid-stream', async () => {
    const { router, recorded } = setup({ scripts: { a: [{ type: 'stream', events: textStream }] } });
    const routed = (await router.route(
      simpleTextRequest({ stream: true }),
      new AbortController().signal,
    )) as RoutedStream;
    for await (const event of routed.events) if (event.type === 'text-delta') break;
    expect(recorded.map((entry) => entry.outcome.kind)).toEqual(['client-aborted']);
  });
});
