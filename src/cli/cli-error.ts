// What the CLI prints for an error. A problem with the input (a config field, a port in use, a bad
// flag) is one line naming it, never a stack trace: that is what an operator can act on. A bug in
// the gateway itself (a TypeError and its kin) is the same one line marked as internal, and with
// SWITCHYARD_DEBUG=1 its stack trace follows, so a bug report can carry where it happened.
import { ConfigError } from '../config/load-config.js';

const internalErrors = [TypeError, RangeError, ReferenceError, EvalError, URIError];

export function isInternalError(error: unknown): boolean {
  return internalErrors.some((kind) => error instanceof kind);
}

export function describeCliError(error: unknown, environment: NodeJS.ProcessEnv = process.env): string {
  if (!(error instanceof Error)) return String(error).replaceAll('\n', ' ');
  const line = (error instanceof ConfigError ? error.problems.join('; ') : error.message).replaceAll('\n', ' ');
  if (!isInternalError(error)) return line;
  const debug = environment.SWITCHYARD_DEBUG === '1' || environment.SWITCHYARD_DEBUG === 'true';
  if (!debug) return `${line} (an internal error: SWITCHYARD_DEBUG=1 prints its stack trace)`;
  return `${line} (an internal error)\n${error.stack ?? ''}`;
}
