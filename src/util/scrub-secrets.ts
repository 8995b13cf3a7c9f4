// Removes anything that looks like a credential from text that leaves the process in incidents and
// alerts (sample error messages, delivery errors): provider keys (sk-…, AKIA…, AIza…), bearer tokens,
// key-like headers, credentials in URLs (user:password@, ?key=…). Over-redacting a harmless string
// costs little; echoing a key into a Slack channel costs a rotation.

const redacted = '[redacted]';

const patterns: ReadonlyArray<[RegExp, string]> = [
  // user:password@ in any URL.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*:[^\s/@]*@/gi, `$1${redacted}@`],
  // Query parameters that carry keys, tokens or signatures.
  [
    /([?&](?:api[_-]?key|apikey|key|token|access[_-]?token|auth|sig|signature|secret|password|client[_-]?secret|x-goog-api-key|x-amz-signature|x-amz-credential|x-amz-security-token|code)=)[^&\s"'#]+/gi,
    `$1${redacted}`,
  ],
  // Authorization-style headers or fields, quoted or not: "x-api-key: …", api_key=…, "apiKey":"…".
  [
    /((?:x-api-key|api-key|api_key|apikey|x-goog-api-key|authorization|routing[_-]?key|secret|password)["']?\s*[:=]\s*["']?)(?:Bearer\s+|Basic\s+)?[^\s"',;}&]+/gi,
    `$1${redacted}`,
  ],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, `Bearer ${redacted}`],
  // OpenAI / Anthropic style keys (sk-…, sk-ant-…, sk-proj-…).
  [/\bsk-[A-Za-z0-9_-]{6,}/g, redacted],
  // AWS access key ids (long-lived and temporary).
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{12,}\b/g, redacted],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{20,}/g, redacted],
  // Slack incoming-webhook paths and bot tokens.
  [/(hooks\.slack\.com\/)[^\s"']+/gi, `$1${redacted}`],
  [/\bxox[abposr]-[A-Za-z0-9-]+/g, redacted],
];

// Secrets and internal addresses known by value (from the config: see configured-secrets.ts). Kept for
// the life of the process: a secret rotated away by a reload must still never be printed.
const knownSecrets = new Set<string>();
const knownAddresses = new Set<string>();
/** Shorter values would redact ordinary words; no real key or token is this short. */
const shortestSecret = 8;

export function rememberSecrets(values: Iterable<string>): void {
  for (const value of values) if (value.length >= shortestSecret) knownSecrets.add(value);
}

export function rememberAddresses(hosts: Iterable<string>): void {
  for (const host of hosts) if (host.length > 0) knownAddresses.add(host);
}

// host:port of an IP address, as connection errors print them (connect ECONNREFUSED 10.0.3.7:7401).
const ipAddressWithPort = /\b(?:\d{1,3}\.){3}\d{1,3}:\d{1,5}\b|\[[0-9a-f:]+\]:\d{1,5}/gi;

export function scrubSecrets(text: string): string {
  let result = text;
  // Longest first, so a secret that contains another is removed whole.
  if (knownSecrets.size > 0) {
    for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) {
      if (result.includes(secret)) result = result.split(secret).join(redacted);
    }
  }
  for (const [pattern, replacement] of patterns) result = result.replace(pattern, replacement);
  for (const host of knownAddresses) if (result.includes(host)) result = result.split(host).join('[upstream]');
  return result.replace(ipAddressWithPort, '[address]');
}

/**
 * A URL fit for logs and error messages: scheme, host and port only. Slack and other webhook URLs carry
 * their secret in the path, so nothing after the host is shown.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '(unparsable URL)';
  }
}
