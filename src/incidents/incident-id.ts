// Incident ids: `inc_` and 24 hex digits, unique across replicas without coordination.
import { randomUUID } from 'node:crypto';

export function newIncidentId(): string {
  return `inc_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
