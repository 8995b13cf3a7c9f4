// One JSON POST to an alert receiver with undici, under a total timeout. Whatever goes wrong comes
// back as a DeliveryResult that says whether another attempt may help, with the URL reduced to its
// host (Slack and webhook URLs carry secrets in the path) and the text scrubbed of anything key-like.
import { request, type Dispatcher } from 'undici';
import { redactUrl, scrubSecrets } from '../util/scrub-secrets.js';

export type DeliveryResult =
  | { ok: true; status: number }
  | {
      ok: false;
      /** Network errors, timeouts, 408, 425, 429 and 5xx: another attempt may succeed. */
      retryable: boolean;
      status?: number;
      /** From a 429 / 503 answer's retry-after. */
      retryAfterMs?: number;
      /** Safe to log: no URL path, no key. */
      error: string;
    };

export interface PostJsonOptions {
  timeoutMs: number;
  /** Used to read an HTTP-date retry-after. */
  now: number;
  dispatcher?: Dispatcher;
}

const maximumErrorBody = 200;

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostJsonOptions,
): Promise<DeliveryResult> {
  const target = redactUrl(url);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'switchyard-alerts', ...headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const text = await response.body.text().catch(() => '');
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status };
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], options.now);
    const detail = text ? `: ${clean(text, url).slice(0, maximumErrorBody)}` : '';
    return {
      ok: false,
      retryable: isRetryableStatus(status),
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      error: `POST ${target} answered ${status}${detail}`,
    };
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${options.timeoutMs} ms` : describeError(error);
    return { ok: false, retryable: true, error: `POST ${target} failed: ${clean(reason, url)}` };
  }
}

/** Worth another attempt: timeouts, too early, rate limits and server errors. Other 4xx say the alert or the configuration is wrong. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** retry-after as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || (error as { code?: string } | null)?.code === 'UND_ERR_HEADERS_TIMEOUT';
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
  const message = cause?.message ?? error.message;
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

// The full URL can appear inside an error message; replace it before anything else.
function clean(text: string, url: string): string {
  return scrubSecrets(text.split(url).join(redactUrl(url)));
}
