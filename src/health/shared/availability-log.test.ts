import { describe, expect, it } from 'vitest';
import { AvailabilityLog } from './availability-log.js';

function recordingLogger() {
  const lines: Array<{ level: 'warn' | 'info'; object: object; message: string }> = [];
  return {
    lines,
    warn: (object: object, message: string) => lines.push({ level: 'warn', object, message }),
    info: (object: object, message: string) => lines.push({ level: 'info', object, message }),
  };
}

describe('AvailabilityLog', () => {
  it('logs one warning per outage however often it is reported, and one line when it ends', () => {
    const logger = recordingLogger();
    const log = new AvailabilityLog(logger, { replicaId: 'a' });
    log.up();
    log.down('connect ECONNREFUSED');
    log.down();
    log.down('connect ECONNREFUSED');
    expect(log.isDown).toBe(true);
    log.up();
    log.up();
    log.down();
    expect(logger.lines).toEqual([
      { level: 'info', object: { replicaId: 'a' }, message: 'shared health connected' },
      {
        level: 'warn',
        object: { replicaId: 'a', error: 'connect ECONNREFUSED' },
        message: expect.stringMatching(/^shared health unavailable/),
      },
      { level: 'info', object: { replicaId: 'a' }, message: 'shared health resumed' },
      { level: 'warn', object: { replicaId: 'a' }, message: expect.stringMatching(/^shared health unavailable/) },
    ]);
  });

  it('says resumed, not connected, when Redis was down from the start', () => {
    const logger = recordingLogger();
    const log = new AvailabilityLog(logger, {});
    log.down();
    log.up();
    expect(logger.lines.map((line) => line.message)).toEqual([
      expect.stringMatching(/^shared health unavailable/),
      'shared health resumed',
    ]);
  });
});
