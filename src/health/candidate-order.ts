// The candidate order for one request, as a pure function of each candidate's health: healthy, then
// degraded, then probing; ejected, isolated and cooling-down ones left out; members of a degraded
// failure domain after every deployment outside one; the given order kept within each group (it
// carries the route's own priority). Panic (Envoy's word): when that leaves nobody, the one most likely
// to have healed (earliest end of ejection or cool-down; never an isolated one) is tried rather than
// failing the request outright.

export interface CandidateStatus {
  id: string;
  group: 'healthy' | 'degraded' | 'probing' | 'excluded';
  inDegradedDomain: boolean;
  /** Excluded candidates: when they are expected to be usable again; undefined = never (isolated). */
  availableAt: number | undefined;
}

export interface CandidateOrder {
  ids: string[];
  /** Set when the order is a panic fallback: the excluded deployment returned anyway. */
  panic: string | undefined;
}

const groupRank = { healthy: 0, degraded: 1, probing: 2 } as const;

export function orderCandidates(candidates: readonly CandidateStatus[]): CandidateOrder {
  const seen = new Set<string>();
  const unique = candidates.filter((candidate) => !seen.has(candidate.id) && seen.add(candidate.id));
  const included = unique
    .map((candidate, index) => ({ candidate, index }))
    .filter(({ candidate }) => candidate.group !== 'excluded')
    .sort((a, b) => {
      const domainOrder = Number(a.candidate.inDegradedDomain) - Number(b.candidate.inDegradedDomain);
      if (domainOrder !== 0) return domainOrder;
      const groupOrder = rank(a.candidate) - rank(b.candidate);
      return groupOrder !== 0 ? groupOrder : a.index - b.index;
    })
    .map(({ candidate }) => candidate.id);
  if (included.length > 0) return { ids: included, panic: undefined };

  let best: CandidateStatus | undefined;
  for (const candidate of unique) {
    if (candidate.availableAt === undefined) continue;
    if (!best || candidate.availableAt < best.availableAt!) best = candidate;
  }
  return best ? { ids: [best.id], panic: best.id } : { ids: [], panic: undefined };
}

function rank(candidate: CandidateStatus): number {
  return candidate.group === 'excluded' ? 3 : groupRank[candidate.group];
}
