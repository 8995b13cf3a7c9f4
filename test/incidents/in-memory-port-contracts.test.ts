// The port contracts on the in-memory implementations: the reference the store adapters are held to.
// Two replicas share one instance, as two recorders or dispatchers in one process would.
import { InMemoryAlertOutbox } from '../../src/alerts/in-memory-alert-outbox.js';
import { InMemoryIncidentRepository } from '../../src/incidents/in-memory-incident-repository.js';
import { runAlertOutboxContract } from '../alerts/alert-outbox.case.js';
import { runIncidentRepositoryContract } from './incident-repository.case.js';

runIncidentRepositoryContract('in memory', {
  async twoReplicas() {
    const repository = new InMemoryIncidentRepository();
    return { a: repository, b: repository, read: async (id) => repository.get(id) };
  },
});

runAlertOutboxContract('in memory', {
  expiredClaimCountsAsAttempt: false,
  async twoReplicas() {
    const outbox = new InMemoryAlertOutbox();
    return {
      a: outbox,
      b: outbox,
      statuses: async () => Object.fromEntries(outbox.list().map((entry) => [entry.dedupKey, entry.status])),
    };
  },
});
