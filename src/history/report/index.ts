// The availability report's public face, for `switchyard report`, GET /admin/report and GET /admin/incidents.
export {
  buildAvailabilityReport,
  type AvailabilityReport,
  type AvailabilityReportOptions,
  type DeploymentReport,
  type ProviderReport,
  type ReportWindow,
  type RouteReport,
} from './availability-report.js';
export { formatReport } from './format-report.js';
export {
  incidentsWithTimeline,
  toIncidentReport,
  type IncidentListOptions,
  type IncidentReport,
  type TimelineEntry,
} from './incident-timeline.js';
export {
  defaultReportSince,
  parseReportDuration,
  parseReportFormat,
  parseSince,
  ReportArgumentError,
  reportFormats,
  type ReportFormat,
} from './parse-since.js';
export { formatPercent } from './report-numbers.js';
