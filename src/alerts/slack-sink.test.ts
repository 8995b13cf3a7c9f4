// Slack incoming webhook against a local receiver: readable blocks (what, since when, evidence, where
// traffic went, lead time) and a text fallback; the URL (a secret) never in an error.
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';
import { detectedAt, sampleAlert } from './alert-test-kit.js';
import { SlackSink, slackMessageOf, type SlackMessage } from './slack-sink.js';

let receiver: AlertReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('SlackSink', () => {
  it('posts a message with header, fields and context blocks and a text fallback', async () => {
    receiver = await startAlertReceiver();
    const sink = new SlackSink('1-slack', { type: 'slack', url: `${receiver.url}/services/T000/B000/XXXX` });
    expect(await sink.send(sampleAlert('opened'), { idempotencyKey: 'inc_7f3a:opened:1', now: detectedAt })).toEqual({
      ok: true,
      status: 200,
    });
    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe('/services/T000/B000/XXXX');
    const message = request!.body as SlackMessage;
    expect(message.text).toBe(
      'Incident opened: deployment claude-direct ejected (major). 42 failed attempts of 60 (overloaded ×30, timeout ×12) on routes haiku, sonnet. ' +
        '118 requests served elsewhere: claude-bedrock 80, gpt-4o 38; no client request failed.',
    );
    expect(message.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context']);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🚨 Incident opened: deployment claude-direct ejected', emoji: true },
    });
    const fields = (message.blocks[1] as { fields: Array<{ type: string; text: string }> }).fields;
    expect(fields.map((field) => field.text.split('\n')[0])).toEqual([
      '*Since*',
      '*Severity*',
      '*Evidence*',
      '*Where traffic went*',
    ]);
    expect(fields[0]!.text).toContain(`<!date^${Math.floor((detectedAt - 4_000) / 1000)}^`);
    expect(fields[2]!.text).toContain('`overloaded 529: overloaded_error: Overloaded`');
    expect(fields[3]!.text).toContain('claude-bedrock 80, gpt-4o 38');
    const context = JSON.stringify(message.blocks[2]);
    expect(context).toContain('Detected 4 s after the first failed request');
    expect(context).toContain('status page has not acknowledged it yet');
  });

  it('shows the status page lead time and the recovery on a resolve', () => {
    const message = slackMessageOf(
      sampleAlert('resolved', {
        status: 'resolved',
        resolvedAt: detectedAt + 240_000,
        statusPage: { page: 'anthropic', incidentId: 'sp1', acknowledgedAt: detectedAt + 125_000, leadTimeMs: 125_000 },
      }),
    );
    expect(message.blocks[0]).toMatchObject({
      text: { text: '✅ Incident resolved: deployment claude-direct ejected' },
    });
    expect(JSON.stringify(message.blocks[1])).toContain('recovered <!date^');
    expect(JSON.stringify(message.blocks[2])).toContain(
      'anthropic status page acknowledged it 2 min 5 s after us (lead time 125 s)',
    );
  });

  it('keeps the webhook URL out of delivery errors', async () => {
    receiver = await startAlertReceiver({ answer: () => ({ status: 404, body: 'no_service' }) });
    const url = `${receiver.url}/services/T000/B000/SECRETPART`;
    await receiver.close();
    receiver = undefined;
    const sink = new SlackSink('1-slack', { type: 'slack', url });
    const result = await sink.send(sampleAlert(), { idempotencyKey: 'k', now: detectedAt });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(JSON.stringify(result)).not.toContain('SECRETPART');
    expect(sink.target).not.toContain('SECRETPART');
  });
});
