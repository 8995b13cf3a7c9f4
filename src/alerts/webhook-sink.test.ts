// The generic webhook against a local receiver: JSON body, HMAC-SHA256 signature that verifies with
// the secret, timestamp and idempotency key headers.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertReceiver, verifyWebhookSignature, type AlertReceiver } from './alert-receiver.js';
import { detectedAt, sampleAlert } from './alert-test-kit.js';
import { WebhookSink } from './webhook-sink.js';

const secret = 'whsec_test_8c1f2e';
let receiver: AlertReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('WebhookSink', () => {
  it('posts the incident and transition, signed with the secret', async () => {
    receiver = await startAlertReceiver();
    const sink = new WebhookSink('0-webhook', { type: 'webhook', url: `${receiver.url}/switchyard`, secret });
    const alert = sampleAlert('opened');
    const result = await sink.send(alert, { idempotencyKey: 'inc_7f3a:opened:1', now: detectedAt + 1_234 });
    expect(result).toEqual({ ok: true, status: 200 });

    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe('/switchyard');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['idempotency-key']).toBe('inc_7f3a:opened:1');
    expect(request!.headers['x-switchyard-timestamp']).toBe(String(Math.floor((detectedAt + 1_234) / 1000)));
    // Recomputed here, independently of the sink's code.
    const expected = `sha256=${createHmac('sha256', secret).update(request!.rawBody).digest('hex')}`;
    expect(request!.headers['x-switchyard-signature']).toBe(expected);
    expect(verifyWebhookSignature(request!.rawBody, request!.headers['x-switchyard-signature'], secret)).toBe(true);
    expect(verifyWebhookSignature(request!.rawBody, request!.headers['x-switchyard-signature'], 'another-secret')).toBe(
      false,
    );
    expect(verifyWebhookSignature(`${request!.rawBody} `, request!.headers['x-switchyard-signature'], secret)).toBe(
      false,
    );

    expect(request!.body).toEqual({
      source: 'switchyard',
      transition: 'opened',
      sequence: 1,
      at: detectedAt,
      idempotencyKey: 'inc_7f3a:opened:1',
      incident: alert.incident,
    });
    expect(request!.rawBody).not.toContain(secret);
  });

  it('reports a non-2xx answer as retryable or not, without the URL path', async () => {
    receiver = await startAlertReceiver({
      answer: (_request, index) =>
        index === 0 ? { status: 503, body: 'busy' } : { status: 401, body: 'bad signature' },
    });
    const sink = new WebhookSink('0-webhook', { type: 'webhook', url: `${receiver.url}/hook/t0ken-in-path`, secret });
    const first = await sink.send(sampleAlert(), { idempotencyKey: 'k', now: detectedAt });
    expect(first).toMatchObject({ ok: false, retryable: true, status: 503 });
    const second = await sink.send(sampleAlert(), { idempotencyKey: 'k', now: detectedAt });
    expect(second).toMatchObject({ ok: false, retryable: false, status: 401 });
    expect(JSON.stringify([first, second])).not.toContain('t0ken-in-path');
  });
});
