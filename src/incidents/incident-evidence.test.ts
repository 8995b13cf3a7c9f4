// Evidence from the attempt and request channels: failure kinds and counts, affected routes, where
// traffic went while the scope failed, sample errors with secrets removed; and the status page's
// lead time over our detection.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { publishAttempt, publishRequest } from '../observability/channels.js';
import { alertFor } from '../alerts/alert.js';
import { slackMessageOf } from '../alerts/slack-sink.js';
import { attachIncidentDetector } from './attach-incident-detector.js';
import { createDetector } from './incident-test-kit.js';

// Key-shaped test values, assembled at run time so that no credential-like literal sits in the source.
const awsExampleKeyId = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const _anthropicExampleKey = ['sk-ant', 'api03', 'AbCdEf123456_xyz-789'].join('-');
const anthropicSecretKey = ['sk-ant', 'api03', 'SECRETSECRET-abc'].join('-');

describe('incident evidence', () => {
  it('counts failure kinds, routes and failover destinations from the published channels', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    const detach = attachIncidentDetector(kit.detector, {});
    const firstFailure = clock.now();
    // Before ejection: failures on two routes, each request then served by another deployment.
    for (let index = 0; index < 4; index += 1) {
      publishAttempt({
        route: index % 2 ? 'haiku' : 'sonnet',
        deployment: 'claude-direct',
        provider: 'anthropic',
        kind: index < 3 ? 'overloaded' : 'timeout',
        latencyMs: 40,
      });
      publishAttempt({
        route: index % 2 ? 'haiku' : 'sonnet',
        deployment: 'claude-bedrock',
        provider: 'bedrock',
        kind: 'success',
        latencyMs: 300,
      });
      publishRequest({
        route: index % 2 ? 'haiku' : 'sonnet',
        format: 'anthropic',
        stream: true,
        status: 200,
        succeeded: true,
        deployment: 'claude-bedrock',
        attempts: 2,
        failedOver: true,
        latencyMs: 350,
      });
      await clock.advance(250);
    }
    // A client error does not count against the deployment.
    publishAttempt({
      route: 'sonnet',
      deployment: 'claude-direct',
      provider: 'anthropic',
      kind: 'invalid-request',
      latencyMs: 5,
    });
    kit.change('claude-direct', 'healthy', 'ejected');
    // While ejected: requests skip it (no attempt) and go to bedrock and vertex; an unrelated route is not counted.
    for (const deployment of ['claude-bedrock', 'claude-vertex', 'claude-bedrock']) {
      publishRequest({
        route: 'sonnet',
        format: 'openai',
        stream: false,
        status: 200,
        succeeded: true,
        deployment,
        attempts: 1,
        failedOver: false,
        latencyMs: 300,
      });
    }
    publishRequest({
      route: 'gpt',
      format: 'openai',
      stream: false,
      status: 200,
      succeeded: true,
      deployment: 'gpt-4o',
      attempts: 1,
      failedOver: false,
      latencyMs: 300,
    });
    detach();
    publishRequest({
      route: 'sonnet',
      format: 'openai',
      stream: false,
      status: 200,
      succeeded: true,
      deployment: 'claude-vertex',
      attempts: 1,
      failedOver: false,
      latencyMs: 300,
    });

    const incident = kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })!;
    expect(incident.firstFailedAt).toBe(firstFailure);
    expect(incident.evidence).toEqual({
      attempts: 5,
      failedAttempts: 4,
      failuresByKind: { overloaded: 3, timeout: 1 },
      sampleErrors: [],
      affectedRoutes: ['haiku', 'sonnet'],
      deployments: ['claude-direct'],
      failover: { requests: 7, afterFailedAttempt: 4, servedBy: { 'claude-bedrock': 6, 'claude-vertex': 1 } },
      clientFailures: 0,
    });
  });

  it('keeps sample error messages with every secret removed', () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    const messages = [
      `authentication_error: invalid x-api-key ${anthropicSecretKey}`,
      'upstream said: Authorization: Bearer tok_live_ABCDEF123456 rejected',
      `UnrecognizedClientException: The security token ${awsExampleKeyId} is invalid`,
      'GET https://generativelanguage.googleapis.com/v1/models/gemini:generate?key=AIzaSyA1234567890abcdefghijklmnopq failed',
    ];
    for (const message of messages) kit.attempt('claude-direct', 'auth', { message, status: 401 });
    kit.change('claude-direct', 'healthy', 'ejected');
    const incident = kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })!;
    const text = JSON.stringify(incident);
    for (const secret of ['SECRETSECRET', 'tok_live_ABCDEF123456', awsExampleKeyId, 'AIzaSyA1234567890'])
      expect(text).not.toContain(secret);
    expect(incident.evidence.sampleErrors).toHaveLength(4);
    expect(incident.evidence.sampleErrors[0]).toBe('auth 401: authentication_error: invalid x-api-key [redacted]');
  });

  it('starts a new failing period after a long quiet gap, so old failures are not the first failure', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { evidenceWindowMs: 60_000 });
    kit.attempt('gpt-4o', 'server');
    await clock.advance(10 * 60_000);
    const recent = clock.now();
    kit.attempt('gpt-4o', 'server');
    kit.change('gpt-4o', 'healthy', 'ejected');
    expect(kit.detector.incident({ scope: 'deployment', key: 'gpt-4o' })).toMatchObject({
      firstFailedAt: recent,
      evidence: { failedAttempts: 1 },
    });
  });

  it('escalates to critical when a client request on an affected route failed', () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    kit.attempt('claude-direct', 'server', { route: 'sonnet' });
    kit.change('claude-direct', 'healthy', 'ejected');
    kit.detector.recordRequest({ route: 'sonnet', succeeded: false, status: 502, failedOver: true });
    kit.detector.flush();
    expect(kit.detector.incident({ scope: 'deployment', key: 'claude-direct' })).toMatchObject({
      severity: 'critical',
      evidence: { clientFailures: 1 },
    });
  });

  it('records the status page acknowledgement with its lead time, up to the alerting parent, and into the resolve alert', async () => {
    const clock = new ManualClock();
    const kit = createDetector(clock, { resolvePeriodMs: 10_000 });
    kit.attempt('claude-direct', 'overloaded');
    kit.change('claude-direct', 'healthy', 'ejected');
    await clock.advance(3_000);
    kit.change('claude-bedrock', 'healthy', 'ejected');
    kit.domain('anthropic-model-layer', 'degraded');
    const directDetectedAt = clock.now() - 3_000;
    const domainDetectedAt = clock.now();
    await clock.advance(117_000);
    const acknowledgedAt = clock.now();
    const record = kit.detector.recordStatusPageAcknowledgement(
      { scope: 'deployment', key: 'claude-direct' },
      { page: 'anthropic', incidentId: 'sp-123', acknowledgedAt },
    );
    kit.detector.flush();
    expect(record).toEqual({
      page: 'anthropic',
      incidentId: 'sp-123',
      acknowledgedAt,
      leadTimeMs: acknowledgedAt - directDetectedAt,
    });
    expect(kit.detector.incident({ scope: 'domain', key: 'anthropic-model-layer' })!.statusPage).toMatchObject({
      leadTimeMs: acknowledgedAt - domainDetectedAt,
    });
    expect(
      kit.transitions
        .filter((transition) => transition.type === 'status-page-acknowledged')
        .map((transition) => transition.incident.scopeKey),
    ).toEqual(['deployment:claude-direct', 'domain:anthropic-model-layer']);
    // A second acknowledgement does not move the lead time.
    kit.detector.recordStatusPageAcknowledgement(
      { scope: 'domain', key: 'anthropic-model-layer' },
      { page: 'anthropic', incidentId: 'sp-124', acknowledgedAt: acknowledgedAt + 60_000 },
    );
    expect(kit.detector.incident({ scope: 'domain', key: 'anthropic-model-layer' })!.statusPage?.incidentId).toBe(
      'sp-123',
    );

    kit.change('claude-direct', 'ejected', 'healthy');
    kit.change('claude-bedrock', 'ejected', 'healthy');
    kit.domain('anthropic-model-layer', 'healthy');
    await clock.advance(10_000);
    kit.tick();
    const resolve = kit.transitions.find(
      (transition) => transition.type === 'resolved' && transition.incident.scope === 'domain',
    )!;
    const alert = alertFor(resolve)!;
    expect(alert.incident.statusPage?.leadTimeMs).toBe(117_000);
    expect(JSON.stringify(slackMessageOf(alert).blocks)).toContain(
      'anthropic status page acknowledged it 1 min 57 s after us',
    );
  });

  it('finds no incident to acknowledge when nothing failed', () => {
    const clock = new ManualClock();
    const kit = createDetector(clock);
    expect(
      kit.detector.recordStatusPageAcknowledgement(
        { scope: 'deployment', key: 'gpt-4o' },
        { page: 'openai', incidentId: 'x', acknowledgedAt: clock.now() },
      ),
    ).toBeNull();
  });
});
