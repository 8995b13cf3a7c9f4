// One GET of a status page's summary.json, bounded in time (on the injected clock) and in size, that
// never throws: whatever went wrong (network, timeout, 404, HTML, malformed JSON) comes back as a short
// description the poller logs and shows.
import type { Clock } from '../util/clock.js';
import { parseStatuspageSummary, type SummaryParse } from './statuspage-summary.js';

export interface FetchedText {
  status: number;
  contentType: string;
  text: string;
}

/** The HTTP GET, replaceable in tests; must reject when the signal aborts. */
export type StatusPageFetch = (url: string, signal: AbortSignal) => Promise<FetchedText>;

/** Real summaries are tens of kilobytes; a page that sends megabytes is not one. */
const bodyLimitBytes = 4 * 1024 * 1024;

class BodyTooLargeError extends Error {}

export const fetchStatusPageText: StatusPageFetch = async (url, signal) => {
  const response = await fetch(url, {
    signal,
    redirect: 'follow',
    headers: { accept: 'application/json', 'user-agent': 'switchyard-status-poller' },
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > bodyLimitBytes) {
        await response.body.cancel().catch(() => {});
        throw new BodyTooLargeError(`answered more than ${bodyLimitBytes} bytes`);
      }
      chunks.push(chunk);
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: Buffer.concat(chunks).toString('utf8'),
  };
};

// Messages name the failure (ECONNREFUSED, timeout), never the URL's credentials if it had any.
function describeFailure(error: unknown): string {
  if (error instanceof BodyTooLargeError) return error.message;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return `request failed (${cause.code})`;
  if (cause && typeof cause.message === 'string') return `request failed (${cause.message})`;
  return `request failed (${error instanceof Error ? error.message : String(error)})`;
}

export interface FetchSummaryOptions {
  clock: Pick<Clock, 'schedule'>;
  timeoutMs: number;
  fetch?: StatusPageFetch;
  /** Aborts the request (the poller stopping). */
  signal?: AbortSignal;
}

export async function fetchStatuspageSummary(url: string, options: FetchSummaryOptions): Promise<SummaryParse> {
  const controller = new AbortController();
  let timedOut = false;
  const cancelTimeout = options.clock.schedule(options.timeoutMs, () => {
    timedOut = true;
    controller.abort(new Error('timed out'));
  });
  const onStop = () => controller.abort(new Error('stopped'));
  options.signal?.addEventListener('abort', onStop, { once: true });
  try {
    const fetched = await (options.fetch ?? fetchStatusPageText)(url, controller.signal);
    if (fetched.status < 200 || fetched.status >= 300) {
      const kind = /text\/html/i.test(fetched.contentType) || fetched.text.trimStart().startsWith('<') ? ' (HTML)' : '';
      return { ok: false, error: `answered HTTP ${fetched.status}${kind}` };
    }
    return parseStatuspageSummary(fetched.text, fetched.contentType);
  } catch (error) {
    if (timedOut) return { ok: false, error: `timed out after ${options.timeoutMs} ms` };
    if (options.signal?.aborted) return { ok: false, error: 'stopped' };
    return { ok: false, error: describeFailure(error) };
  } finally {
    cancelTimeout();
    options.signal?.removeEventListener('abort', onStop);
  }
}
