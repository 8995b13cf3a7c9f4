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

export function scrubSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of patterns) result = result.replace(pattern, replacement);
  return result;
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
