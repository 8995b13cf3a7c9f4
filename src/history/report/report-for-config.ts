// The availability report for a configuration: the report builder with the config's deployments
// and routes, shared by `switchyard report` and GET /admin/report.
import type { SwitchyardConfig } from '../../config/schema.js';
import type { IncidentStore } from '../store/incident-store.js';
import { buildAvailabilityReport, type AvailabilityReport } from './availability-report.js';

export function reportForConfig(
  store: IncidentStore,
  config: SwitchyardConfig,
  range: { since: number; until?: number; now: number },
): Promise<AvailabilityReport> {
  return buildAvailabilityReport(store, {
    ...range,
    deploymentProvider: Object.fromEntries(
      config.deployments.map((deployment) => [deployment.id, deployment.provider]),
    ),
    routeDeployments: Object.fromEntries(config.routes.map((route) => [route.name, route.deployments])),
  });
}
