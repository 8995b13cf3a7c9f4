// How far V8 lets the gateway's old generation grow past what its last full collection kept.
// On a machine whose heap limit is large (the default on 64-bit with a few GB of memory), V8 lets the
// old generation reach up to four times the live data before it collects again. A gateway holding a
// thousand long streams promotes each stream's objects (they live for seconds), so a burst of streams
// sized the heap for four times that, and V8 keeps those pages afterwards: 1,000 long streams peaked at
// ~205 MiB RSS for ~57 MiB of live objects. Growing by 30% keeps the heap near the live data (~165 MiB
// on the same bench) at no measurable CPU per request (bench/overhead; the minor collections, not these
// rarer full ones, dominate the gateway's GC time). The flag is read at every full collection, so setting
// it once the process runs takes effect; an operator who passes their own value keeps it.
import v8 from 'node:v8';

export const heapGrowthPercent = 30;

/** Sets the old generation's growth for this process, unless the command line already chose one. */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((argument) => argument.replaceAll('_', '-').startsWith('--heap-growing-percent'))) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${heapGrowthPercent}`);
  return true;
}
