// One pino logger for the process, with provider keys and client keys redacted wherever they appear.
import pino from 'pino';

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
  return pino({ level, redact: { paths: redactedPaths, censor: '[redacted]' } }, destination);
}
