// The gateway's heap growth (src/util/heap-growth.ts) keeps the old generation near its live data
// through a burst of promoted objects, where V8's own choice lets it reach several times that. Each
// case runs in a fresh process (heap-growth-entry.ts): heap sizing is per process and set once.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../src/util/heap-growth.js';

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'test', 'support', 'heap-growth-entry.ts');

function peakOldSpace(...args: string[]): Promise<{ limited: boolean; peakOldSpaceMiB: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      // The heap limit fixed at 4 GiB: V8 scales its own growth with it (4× from 2 GiB up), so the
      // comparison does not depend on the memory of the machine running the test.
      ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', entry, ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
      },
    );
  });
}

describe('heap growth', () => {
  it('keeps the old generation within a fraction of what V8 lets it reach through a burst', async () => {
    const [unlimited, limited] = await Promise.all([peakOldSpace(), peakOldSpace('limit')]);
    expect(unlimited.limited).toBe(false);
    expect(limited.limited).toBe(true);
    // ~10 MB live plus ~20 MB in flight: grown by 30% (plus the young generation V8 adds) the old
    // generation stays near 60 MiB; V8's default (up to 4×) lets it reach ~150.
    expect(limited.peakOldSpaceMiB).toBeLessThan(unlimited.peakOldSpaceMiB * 0.6);
  });

  it('leaves a growth the operator passed on the command line alone', () => {
    expect(limitHeapGrowth(['--heap-growing-percent=50'])).toBe(false);
    expect(limitHeapGrowth(['--heap_growing_percent=50'])).toBe(false);
  });
});
