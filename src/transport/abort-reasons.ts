// Why an attempt's signal fired. The attempt loop aborts with one of these so that the error an
// aborted upstream call produces can be classified without guessing.
import type { FailureKind } from '../canonical/errors.js';

const abortReasonBrand = Symbol.for('switchyard.AbortReason');

export class AbortReason extends Error {
  readonly [abortReasonBrand] = true;
  constructor(
    readonly kind: Extract<FailureKind, 'timeout' | 'first-token-timeout' | 'client-aborted' | 'abandoned' | 'local'>,
    message: string,
  ) {
    super(message);
    this.name = 'AbortReason';
  }

  static isInstance(value: unknown): value is AbortReason {
    return typeof value === 'object' && value !== null && abortReasonBrand in value;
  }
}

export const clientAborted = (): AbortReason => new AbortReason('client-aborted', 'the client closed the connection');
