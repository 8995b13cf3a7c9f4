// Every stable `SWITCHYARD_*` error code, in one place. They appear in client error bodies, logs,
// metrics and CLI exits, and operators match on them, so each is named once here and every error
// type that carries a code takes its type from this list.

export const switchyardErrorCodes = [
  // Client error bodies (GatewayError).
  'SWITCHYARD_UPSTREAM_ERROR',
  'SWITCHYARD_ALL_DEPLOYMENTS_FAILED',
  'SWITCHYARD_DEADLINE_EXCEEDED',
  'SWITCHYARD_UNKNOWN_MODEL',
  'SWITCHYARD_INVALID_REQUEST',
  'SWITCHYARD_BODY_TOO_LARGE',
  'SWITCHYARD_STREAM_INTERRUPTED',
  'SWITCHYARD_UNAUTHENTICATED',
  'SWITCHYARD_FORBIDDEN',
  'SWITCHYARD_KEY_RATE_LIMITED',
  'SWITCHYARD_GATEWAY_OVERLOADED',
  'SWITCHYARD_SHUTTING_DOWN',
  'SWITCHYARD_NOT_FOUND',
  'SWITCHYARD_INTERNAL',
  // The history store (StoreError), in logs.
  'SWITCHYARD_STORE_CONFLICT',
  'SWITCHYARD_STORE_CONFIG',
  'SWITCHYARD_STORE_MIGRATION',
  // The report command's arguments (ReportArgumentError), on the CLI.
  'SWITCHYARD_REPORT_ARGUMENT',
] as const;

export type SwitchyardCode = (typeof switchyardErrorCodes)[number];

/** Codes the store raises on purpose. */
export type StoreErrorCode = Extract<SwitchyardCode, `SWITCHYARD_STORE_${string}`>;

/** Codes a client error body can carry (everything but the store's and the CLI's). */
export type SwitchyardErrorCode = Exclude<SwitchyardCode, StoreErrorCode | 'SWITCHYARD_REPORT_ARGUMENT'>;
