// `switchyard report`: reads the configured store (the SQLite file or the shared PostgreSQL) and
// prints availability per deployment and route, incidents and lead times.
import type { SwitchyardConfig } from '../config/schema.js';
import { ConfigError } from '../config/load-config.js';
import { openStore } from '../history/store/open-store.js';
import { reportForConfig } from '../history/report/report-for-config.js';
import { formatReport } from '../history/report/format-report.js';
import { parseReportFormat, parseSince } from '../history/report/parse-since.js';

export async function runReport(
  config: SwitchyardConfig,
  options: { since: string; format: string; now?: number },
): Promise<string> {
  if (!config.store) throw new ConfigError(['store: the report needs a store (store: false keeps no history)']);
  const now = options.now ?? Date.now();
  const since = parseSince(options.since, now);
  const format = parseReportFormat(options.format);
  const store = await openStore(config.store, { retentionDays: config.store.retentionDays });
  try {
    const report = await reportForConfig(store, config, { since, now });
    const text = formatReport(report, format);
    return text.endsWith('\n') ? text : `${text}\n`;
  } finally {
    await store.close();
  }
}
