// One pino logger for the process, with provider keys and client keys redacted wherever they appear:
// by field path, and by value for every secret the config holds.
import pino from 'pino';
import { scrubSecrets } from '../util/scrub-secrets.js';

export type Logger = pino.Logger;

export const redactedPaths = [
  'apiKey',
  '*.apiKey',
  'deployments[*].apiKey',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'request.headers.authorization',
  'request.headers["x-api-key"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      // Paths catch keys in known fields; this catches any configured secret wherever it ended up
      // (an upstream's error text quoting the key, an error's stack), at any level.
      hooks: { streamWrite: scrubSecrets },
    },
    destination,
  );
}
