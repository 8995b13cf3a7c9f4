// The one table: a row per scenario, each figure with its target's verdict (PASS / MISS) where a
// target applies, the targets themselves in the second header line, then the legend.

export const targets = {
  success: { label: '100% client success (every scenario)', check: (row) => row.successAll === 1 },
  ejection: {
    label: 'ejection ≤ 2 s after the fault (hard down, 529, two replicas: on both)',
    check: (row) => row.detectionMs !== null && row.detectionMs <= 2_000,
  },
  deadRequests: {
    label: '≤ 5 client requests to the dead deployment, all replicas (hard down, 529, two replicas)',
    check: (row) => row.clientRequests <= 5,
  },
  latency: {
    label: 'p50 during the fault (once ejected / degraded) within 10% of baseline (every scenario)',
    check: (row) => row.during.p50 !== null && row.before.p50 !== null && row.during.p50 <= row.before.p50 * 1.1,
  },
  readmission: {
    label: 'readmission ≤ 15 s after the heal (every scenario)',
    check: (row) => row.readmissionMs !== null && row.readmissionMs <= 15_000,
  },
  flaps: { label: 'no flapping at 30% errors', check: (row) => row.flaps.flaps === 0 },
  domainAttempts: {
    label: '≤ 1 attempt per request on the failing domain once it is degraded',
    check: (row) =>
      row.domainAttempts?.max !== null && row.domainAttempts?.max !== undefined && row.domainAttempts.max <= 1,
  },
};

/** Which targets apply to a scenario: the universal ones plus its own. */
export function applicableTargets(scenario) {
  return ['success', 'latency', 'readmission', ...Object.keys(scenario.targets).filter((key) => scenario.targets[key])];
}

const percent = (value) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const seconds = (ms) => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)}s`);
const millis = (value) => (value === null ? '—' : value.toFixed(0));
const shortState = { ejected: 'ej', degraded: 'deg', 'domain degraded': 'dom' };

const columns = [
  { title: 'scenario', target: '', width: 27, cell: (_row, scenario) => scenario.title },
  { title: 'ok (all)', target: '100%', width: 14, key: 'success', cell: (row) => percent(row.successAll) },
  { title: 'ok (fault)', target: '', width: 11, cell: (row) => percent(row.successFault) },
  {
    title: 'detected after',
    target: '≤2s †',
    width: 18,
    key: 'ejection',
    cell: (row) =>
      row.detectionMs === null
        ? 'never'
        : `${seconds(row.detectionMs)} ${shortState[row.detectedState] ?? row.detectedState}`,
  },
  {
    title: 'to failing cl (+pr)',
    target: '≤5 †',
    width: 21,
    key: 'deadRequests',
    // The router's own count of its attempts there, when it disagrees with the simulator's.
    cell: (row) =>
      `${row.clientRequests} (+${row.probes})${row.clientAttempts === row.clientRequests ? '' : ` router ${row.clientAttempts}`}`,
  },
  {
    title: 'p50 ms bef→dur',
    target: '≤ +10%',
    width: 19,
    key: 'latency',
    cell: (row) => `${millis(row.before.p50)}→${millis(row.during.p50)}`,
  },
  {
    title: 'p99 ms bef→dur',
    target: '',
    width: 16,
    cell: (row) => `${millis(row.before.p99)}→${millis(row.during.p99)}`,
  },
  { title: 'readmitted', target: '≤15s', width: 16, key: 'readmission', cell: (row) => seconds(row.readmissionMs) },
  {
    title: 'flaps (ejections)',
    target: '0 †',
    width: 19,
    key: 'flaps',
    cell: (row) => `${row.flaps.flaps} (${row.flaps.ejections})`,
  },
  {
    title: 'domain att/req',
    target: '≤1 †',
    width: 18,
    key: 'domainAttempts',
    cell: (row) =>
      row.domainAttempts
        ? `${row.domainAttempts.max ?? '—'} (${row.domainAttempts.simulatorPerRequest?.toFixed(2) ?? '—'})`
        : '',
  },
];

function pad(text, width, first) {
  return first ? text.padEnd(width) : text.padStart(width);
}

/** Formats the table; `results` holds { scenario, row } or { scenario, error }. Returns the lines and the verdict counts. */
export function formatTable(results) {
  const lines = [];
  lines.push(columns.map((column, index) => pad(column.title, column.width, index === 0)).join(' '));
  lines.push(
    columns.map((column, index) => pad(index === 0 ? 'target →' : column.target, column.width, index === 0)).join(' '),
  );
  lines.push('-'.repeat(columns.reduce((sum, column) => sum + column.width + 1, -1)));
  const verdicts = [];
  for (const { scenario, row, error } of results) {
    if (error) {
      lines.push(`${pad(scenario.title, columns[0].width, true)} did not run: ${error}`);
      for (const key of applicableTargets(scenario)) verdicts.push({ scenario, key, pass: false });
      continue;
    }
    const applicable = applicableTargets(scenario);
    const cells = columns.map((column, index) => {
      let text = column.cell(row, scenario);
      if (column.key && applicable.includes(column.key)) {
        const pass = targets[column.key].check(row);
        verdicts.push({ scenario, key: column.key, pass });
        text += pass ? ' PASS' : ' MISS';
      }
      return pad(text, column.width, index === 0);
    });
    lines.push(cells.join(' '));
  }
  return { lines, verdicts };
}

export const legend = [
  'ok (all) / ok (fault): requests answered completely (stream: message_stop, no error event), over the whole scenario / those sent during the fault.',
  'detected after: fault start → the failing deployment ejected (ej) or degraded (deg), or the failure domain marked degraded (dom); two replicas: on both.',
  'to failing cl (+pr): client requests the failing upstream(s) received while the fault lasted (the simulator counters its fault POST and',
  '  DELETE answer with, so no request falls between two calls; domain: both members), in brackets the active probes',
  '  among them (the simulator knows them by the x-switchyard-probe header the gateway sends);',
  '  "router N" when the attempts the router published (switchyard:attempt channel) there disagree with the simulator.',
  'p50 / p99: client latency of every request, baseline = the 8 s before the fault, during = sent after detection until the heal.',
  'readmitted: heal → every failing deployment (and the domain) healthy for good (its last return to healthy), on every replica.',
  'flaps: during the fault, returns to healthy plus ejections from service after the first; (ejections) = every transition into ejected,',
  '  re-ejections after a failed probe included. domain att/req: max attempts on the failing domain per request once it is degraded',
  '  (x-switchyard-attempts and x-switchyard-deployment), in brackets the simulator count on the domain per request (probes included).',
  '† applies only where the cell carries PASS/MISS.',
];
