// The status-page poller's public face: configuration, the poller, and its connection to the detector.
export {
  defaultStatusPageIntervalMs,
  defaultStatusPageTimeoutMs,
  statusPageConfigSchema,
  statusPagesSchema,
  summaryUrlOf,
  type StatusPageConfig,
  type StatusPagesConfig,
} from './status-page-config.js';
export { StatusPagePoller, type StatusPagePollerOptions } from './status-page-poller.js';
export type { StatusPageLogger, StatusPageView, AffectedComponent } from './status-page-watch.js';
export type {
  AcknowledgementCallback,
  AcknowledgementResult,
  StatusPageAcknowledgementEvent,
} from './acknowledgement-tracker.js';
export {
  recordAcknowledgementsWith,
  scopeOfTarget,
  acknowledgementIdOf,
  type AcknowledgementReceiver,
} from './record-acknowledgements.js';
export { fetchStatusPageText, type StatusPageFetch } from './fetch-status-page.js';
export { parseStatuspageSummary, type StatuspageSummary } from './statuspage-summary.js';
