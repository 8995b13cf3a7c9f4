// Google's error shape (docs/protocols/google.md §4.3), shared by the Gemini API and Vertex:
// `{"error":{"code","message","status","details"}}` with the google.rpc status for the HTTP code,
// RetryInfo.retryDelay on 429s (and wherever a retry delay is asked for), ErrorInfo on auth errors.
import { jsonAnswer, type JsonAnswer } from './dialect.js';

interface GoogleErrorKind {
  status: number;
  rpcStatus: string;
  message: string;
}

const invalidArgument: GoogleErrorKind = {
  status: 400,
  rpcStatus: 'INVALID_ARGUMENT',
  message: 'Request contains an invalid argument.',
};
const internal: GoogleErrorKind = { status: 500, rpcStatus: 'INTERNAL', message: 'Internal error encountered.' };
const unavailable: GoogleErrorKind = {
  status: 503,
  rpcStatus: 'UNAVAILABLE',
  message: 'The model is overloaded. Please try again later.',
};

/** What each injected status becomes at Google: there is no 529, overload is 503 UNAVAILABLE. */
const errorKinds: Record<number, GoogleErrorKind> = {
  400: invalidArgument,
  401: {
    status: 401,
    rpcStatus: 'UNAUTHENTICATED',
    message:
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  },
  403: { status: 403, rpcStatus: 'PERMISSION_DENIED', message: 'The caller does not have permission' },
  404: { status: 404, rpcStatus: 'NOT_FOUND', message: 'Requested entity was not found.' },
  409: { status: 409, rpcStatus: 'ABORTED', message: 'The operation was aborted.' },
  413: { ...invalidArgument, message: 'Request payload size exceeds the limit: 20971520 bytes.' },
  429: { status: 429, rpcStatus: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).' },
  500: internal,
  501: { status: 501, rpcStatus: 'UNIMPLEMENTED', message: 'Operation is not implemented, or supported, or enabled.' },
  503: unavailable,
  504: { status: 504, rpcStatus: 'DEADLINE_EXCEEDED', message: 'Deadline expired before operation could complete.' },
  529: unavailable,
};

const defaultRetryDelaySeconds = 1;
export const googleJsonContentType = 'application/json; charset=UTF-8';

export interface GoogleErrorOptions {
  message?: string;
  /** Seconds for RetryInfo; 429s get one second when none is given. */
  retryAfterSeconds?: number;
  /** Extra `details` entries (ErrorInfo, BadRequest…). */
  details?: Record<string, unknown>[];
}

/** The error object itself, for HTTP answers and for the `{"error"}` chunk inside a stream. */
export function googleErrorBody(status: number, options: GoogleErrorOptions = {}): { error: Record<string, unknown> } {
  const kind = errorKinds[status] ?? (status >= 500 ? internal : invalidArgument);
  const details = [...(options.details ?? [])];
  const retryDelay = options.retryAfterSeconds ?? (kind.status === 429 ? defaultRetryDelaySeconds : undefined);
  if (retryDelay !== undefined)
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelay}s` });
  const error: Record<string, unknown> = {
    code: kind.status,
    message: options.message ?? kind.message,
    status: kind.rpcStatus,
  };
  if (details.length > 0) error.details = details;
  return { error };
}

export function googleError(status: number, options: GoogleErrorOptions = {}): JsonAnswer {
  const body = googleErrorBody(status, options);
  return jsonAnswer(body.error.code as number, { 'content-type': googleJsonContentType }, body);
}

export function errorInfo(
  reason: string,
  domain: string,
  metadata: Record<string, string> = {},
): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain, metadata };
}
