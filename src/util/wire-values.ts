// Readers of untrusted wire values that every provider adapter (and the simulator and shared health,
// which read the same kind of input) needs: is it a JSON object, parse without throwing, a non-empty
// string, and a failure message cut to the length every attempt carries. One copy, so a fix lands
// everywhere at once.
import { attemptMessageLength } from '../canonical/attempt.js';

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that answers undefined instead of throwing (error pages are often HTML or plain text). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The JSON object in `text`, or undefined when it is not JSON or not an object. */
export function parseJsonRecord(text: string): Record<string, unknown> | undefined {
  const parsed = parseJson(text);
  return isRecord(parsed) ? parsed : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Cuts a message to the attempt message length, marking the cut with an ellipsis. */
export function truncateMessage(message: string): string {
  return message.length > attemptMessageLength ? `${message.slice(0, attemptMessageLength - 1)}…` : message;
}

/** An upstream's error message on one line, cut to the attempt message length. */
export function trimErrorMessage(message: string): string {
  return truncateMessage(message.replace(/\s+/g, ' ').trim());
}
