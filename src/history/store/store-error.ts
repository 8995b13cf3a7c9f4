// Errors the store raises on purpose, each with a stable code for logs. (Database errors from the
// drivers pass through unchanged: they mean the store is down or broken, and StoreWriter retries them.)

import type { StoreErrorCode } from '../../canonical/error-codes.js';

const storeErrorBrand = Symbol.for('switchyard.StoreError');

export class StoreError extends Error {
  readonly [storeErrorBrand] = true;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }

  static isInstance(value: unknown): value is StoreError {
    return typeof value === 'object' && value !== null && storeErrorBrand in value;
  }
}
