import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/manual-clock.js';
import { LoopStalls } from './loop-stalls.js';

describe('LoopStalls', () => {
  it('counts nothing while the loop runs on time, and a stall beyond the grace when it does not', async () => {
    const clock = new ManualClock();
    const stalls = new LoopStalls(clock, { tickMs: 10, graceMs: 10 });
    stalls.start();
    const waitStart = stalls.waitClock.now();
    await clock.advance(1_000);
    expect(stalls.totalMs()).toBe(0);
    // The loop is blocked for 300 ms: the check due 10 ms in fires 290 ms late, 280 ms past its grace.
    clock.stall(300);
    expect(stalls.totalMs()).toBe(280);
    await clock.advance(0);
    expect(stalls.totalMs()).toBe(280);
    await clock.advance(500);
    expect(stalls.totalMs()).toBe(280);
    // Wall time 1.8 s; the wait clock saw 1.52 s.
    expect(stalls.waitClock.now() - waitStart).toBe(1_520);
  });

  it('stops the wait clock during a stall in progress and resumes it without a jump', async () => {
    const clock = new ManualClock();
    const stalls = new LoopStalls(clock, { tickMs: 10, graceMs: 10 });
    stalls.start();
    await clock.advance(5);
    const readings: number[] = [];
    for (let step = 0; step < 10; step += 1) {
      clock.stall(50);
      readings.push(stalls.waitClock.now());
    }
    await clock.advance(0);
    readings.push(stalls.waitClock.now());
    await clock.advance(7);
    readings.push(stalls.waitClock.now());
    const start = readings[0]!;
    // Frozen through the stall (after the check's due time and grace), then moving with time again.
    expect(readings.map((reading) => reading - start)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
  });

  it('ignores lateness within the grace (ordinary jitter), and counts nothing once stopped', async () => {
    const clock = new ManualClock();
    const stalls = new LoopStalls(clock, { tickMs: 10, graceMs: 10 });
    stalls.start();
    for (let step = 0; step < 100; step += 1) {
      clock.stall(18);
      await clock.advance(0);
    }
    expect(stalls.totalMs()).toBe(0);
    stalls.stop();
    clock.stall(1_000);
    expect(stalls.totalMs()).toBe(0);
  });

  it('pauses its checks when nothing has read the wait clock for a while, and resumes with the next reading', async () => {
    const clock = new ManualClock();
    let scheduled = 0;
    const schedule = clock.schedule.bind(clock);
    clock.schedule = (ms, callback) => {
      scheduled += 1;
      return schedule(ms, callback);
    };
    const stalls = new LoopStalls(clock, { tickMs: 10, graceMs: 10, idleAfterMs: 100 });
    stalls.start();
    await clock.advance(100);
    const checks = scheduled;
    await clock.advance(10_000);
    // Idle: no check ran in those 10 s, and a stall nobody waits through is not counted.
    expect(scheduled).toBe(checks);
    clock.stall(500);
    expect(stalls.totalMs()).toBe(0);
    // A reading resumes the checks: a stall after it is counted again.
    const before = stalls.waitClock.now();
    await clock.advance(5);
    clock.stall(300);
    await clock.advance(0);
    expect(stalls.totalMs()).toBe(285);
    expect(stalls.waitClock.now() - before).toBe(20);
    expect(scheduled).toBeGreaterThan(checks);
  });

  it('keeps checking while something is busy, read or not', async () => {
    const clock = new ManualClock();
    let inFlight = 1;
    const stalls = new LoopStalls(clock, { tickMs: 10, graceMs: 10, idleAfterMs: 100 });
    stalls.busyWhile(() => inFlight > 0);
    stalls.start();
    // A request waits 60 s for its first token without reading the wait clock; a stall 50 s in counts.
    await clock.advance(50_000);
    clock.stall(300);
    await clock.advance(0);
    expect(stalls.totalMs()).toBe(280);
    inFlight = 0;
    await clock.advance(200);
    clock.stall(300);
    await clock.advance(0);
    expect(stalls.totalMs()).toBe(280);
  });
});
