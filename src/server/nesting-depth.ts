// How deeply a parsed JSON body nests, counted without recursion: a body nested thousands of levels
// deep (in a tool_use input, say) would overflow the stack of every recursive step after parsing
// (validation, conversion, serialisation) and surface as a retryable 5xx. It is the client's error.
export const maxNestingDepth = 128;

/** True when `value` nests deeper than `limit` objects or arrays. Stops at the first such branch. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (depth > limit) return true;
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
