// Idle streams are pinged on the injected clock, and only when idle.
import { describe, expect, it } from 'vitest';
import { startKeepAlive, trackWrites } from '../../src/server/keep-alive.js';
import type { ClientStreamWriter } from '../../src/ingress/client-stream-writer.js';
import { ManualClock } from '../support/manual-clock.js';

describe('keep-alive', () => {
  it('pings after each idle interval and not while data flows', async () => {
    const clock = new ManualClock();
    const written: string[] = [];
    const sink = trackWrites({ write: (chunk) => written.push(String(chunk)), end: () => {} }, clock);
    let done = false;
    const writer: ClientStreamWriter = {
      write: () => {},
      fail: () => {},
      ping: () => sink.write('ping'),
      get done() {
        return done;
      },
    };
    const stop = startKeepAlive(writer, sink, 10_000, clock);
    await clock.advance(9_000);
    sink.write('data');
    await clock.advance(9_000);
    expect(written).toEqual(['data']);
    await clock.advance(1_000);
    expect(written).toEqual(['data', 'ping']);
    await clock.advance(10_000);
    expect(written).toEqual(['data', 'ping', 'ping']);
    done = true;
    await clock.advance(30_000);
    expect(written).toHaveLength(3);
    stop();
  });
});
