import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { SkippedEventLog } from './skipped-event-log.js';
import { publishSkippedEvent } from './skipped-events.js';

function recordingLogger() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return { lines, warn: (fields: object, message: string) => lines.push({ fields: { ...fields }, message }) };
}

describe('SkippedEventLog', () => {
  it('logs the first skip of a burst at once and the rest as one count when the provider goes quiet', async () => {
    const clock = new ManualClock();
    const logger = recordingLogger();
    const log = new SkippedEventLog({ clock, logger, quietMs: 1_000 });
    const stop = log.subscribe();
    publishSkippedEvent({ provider: 'anthropic', reason: 'message_delta event data is not a JSON object' });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.fields).toEqual({
      provider: 'anthropic',
      reason: 'message_delta event data is not a JSON object',
    });
    for (let index = 0; index < 50; index += 1) {
      await clock.advance(100);
      publishSkippedEvent({ provider: 'anthropic', reason: 'chunk is not JSON' });
    }
    // Fifty more in five seconds, never a second apart: still one burst, nothing more logged.
    expect(logger.lines).toHaveLength(1);
    await clock.advance(999);
    expect(logger.lines).toHaveLength(1);
    await clock.advance(1);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]?.fields).toEqual({ provider: 'anthropic', skipped: 50 });
    // After the quiet period a new burst is logged again.
    publishSkippedEvent({ provider: 'anthropic', reason: 'chunk is not JSON' });
    expect(logger.lines).toHaveLength(3);
    stop();
  });

  it('keeps one burst per provider, and a single skip ends without a count line', async () => {
    const clock = new ManualClock();
    const logger = recordingLogger();
    const stop = new SkippedEventLog({ clock, logger, quietMs: 1_000 }).subscribe();
    publishSkippedEvent({ provider: 'openai', reason: 'chunk is not JSON' });
    publishSkippedEvent({ provider: 'bedrock', reason: 'chunk is not base64 JSON' });
    expect(logger.lines.map((line) => line.fields.provider)).toEqual(['openai', 'bedrock']);
    await clock.advance(5_000);
    expect(logger.lines).toHaveLength(2);
    stop();
    publishSkippedEvent({ provider: 'openai', reason: 'chunk is not JSON' });
    expect(logger.lines).toHaveLength(2);
  });

  it('says how many were left uncounted when it stops mid-burst', () => {
    const clock = new ManualClock();
    const logger = recordingLogger();
    const stop = new SkippedEventLog({ clock, logger }).subscribe();
    publishSkippedEvent({ provider: 'gemini', reason: 'chunk is not JSON' });
    publishSkippedEvent({ provider: 'gemini', reason: 'chunk is not JSON' });
    stop();
    expect(logger.lines.at(-1)?.fields).toEqual({ provider: 'gemini', skipped: 1 });
  });
});
