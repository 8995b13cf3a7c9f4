// A Redis URL fit for logs: the password (and anything in the query that looks like one) replaced, so
// a connection string such as redis://:secret@cache:6379 never reaches a log line.

const redacted = '***';
const secretQueryKey = /pass|secret|token|auth/i;

export function redactRedisUrl(url: string): string {
  const hasProtocol = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let parsed: URL;
  try {
    // ioredis also accepts "host:port" without a protocol; parse it the way ioredis does.
    parsed = new URL(hasProtocol ? url : `redis://${url}`);
  } catch {
    // Echoing an unparsable string could echo a secret in it.
    return '(unparsable Redis URL)';
  }
  if (parsed.password) parsed.password = redacted;
  // Older clients (ioredis 4) read redis://secret@host as a password without a user name.
  else if (parsed.username) parsed.username = redacted;
  for (const key of [...parsed.searchParams.keys()]) {
    if (secretQueryKey.test(key)) parsed.searchParams.set(key, redacted);
  }
  return parsed.toString();
}
