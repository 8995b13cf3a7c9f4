// Durations as people read them in incident timelines and alerts ("2 min 5 s").

export function describeDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** A status page's lead time, from our side: positive when we detected first. */
export function describeLead(leadTimeMs: number): string {
  return leadTimeMs >= 0
    ? `${describeDuration(leadTimeMs)} after our detection`
    : `${describeDuration(leadTimeMs)} before our detection`;
}
