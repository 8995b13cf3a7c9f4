// A fresh process that holds ~10 MB of live objects, then allocates ~200 MB of objects that each live
// long enough to be promoted before they die (what a burst of long streams does), and prints the old
// generation's peak size (one JSON line). With `limit` on the command line it first applies the
// gateway's heap growth (src/util/heap-growth.ts). Run with --expose-gc: one full collection after the
// live set is built gives V8 a measured live size to grow from, as a running gateway has.
import v8 from 'node:v8';
import { limitHeapGrowth } from '../../src/util/heap-growth.js';

const limited = process.argv.includes('limit') ? limitHeapGrowth() : false;
const oldSpaceSize = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_size;
const held = Array.from({ length: 10_000 }, (_, index) => new Array<number>(120).fill(index));
(globalThis as { gc?: () => void }).gc?.();
// A ring larger than the young generation: every entry survives two scavenges, so it is promoted.
const ring: number[][] = new Array(20_000);
let peak = 0;
for (let index = 0; index < 200_000; index += 1) {
  ring[index % ring.length] = new Array<number>(120).fill(index);
  if (index % 1_000 === 0) peak = Math.max(peak, oldSpaceSize());
}
process.stdout.write(`${JSON.stringify({ limited, held: held.length, peakOldSpaceMiB: peak / 1_048_576 })}\n`);
