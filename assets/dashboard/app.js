// The dashboard page: one EventSource on /dashboard/events keeps every panel live; isolate / release
// go to the admin API as same-origin POSTs with a JSON body and an x-switchyard-dashboard header
// (neither a form nor a simple cross-site request can send them), after a confirmation. The report
// is fetched when the operator asks for a period. Everything is written with textContent, never as
// HTML, since reasons and messages come from upstreams.
import { ChartBoard } from './charts.js';

const element = (id) => document.getElementById(id);
const charts = new ChartBoard(element('route-charts'), element('deployment-charts'));
let serverOffsetMs = 0;

function make(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('data-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  return node;
}

function badge(state) {
  return make('span', state, { className: 'badge', 'data-state': state });
}

function formatDuration(ms) {
  if (ms == null) return '–';
  const seconds = Math.round(ms / 1000);
  if (Math.abs(seconds) < 60) return `${seconds}s`;
  const minutes = Math.floor(Math.abs(seconds) / 60);
  if (minutes < 60) return `${Math.sign(seconds) < 0 ? '-' : ''}${minutes}m ${Math.abs(seconds) % 60}s`;
  const hours = Math.floor(minutes / 60);
  return `${Math.sign(seconds) < 0 ? '-' : ''}${hours}h ${minutes % 60}m`;
}

function formatTime(at) {
  return at ? new Date(at).toLocaleTimeString() : '–';
}

function ago(at) {
  return at ? `${formatDuration(Date.now() + serverOffsetMs - at)} ago` : '–';
}

function percent(value) {
  return value == null ? '–' : `${(value * 100).toFixed(1)}%`;
}

// ---- health ----

function renderHealth(health) {
  serverOffsetMs = health.now - Date.now();
  element('clock').textContent = `as of ${formatTime(health.now)}`;
  const note = element('health-note');
  note.hidden = health.available;
  note.textContent = health.available ? '' : 'health tracking is disabled (health.enabled: false)';
  syncRows(element('deployments').tBodies[0], 'data-deployment', health.deployments, (deployment) => deployment.id, deploymentRow);
  syncRows(element('domains').tBodies[0], 'data-domain', health.domains, (domain) => domain.name, domainRow);
  const watch = health.watch ?? [];
  element('watch-section').hidden = watch.length === 0;
  syncRows(element('watch').tBodies[0], 'data-watch', watch, (entry) => entry.deployment, watchRow);
}

function usd(value) {
  return `$${value.toFixed(value < 0.01 ? 5 : 2)}`;
}

function watchRow(row, entry) {
  row.dataset.capped = String(entry.spend.capped);
  setText(cell(row, 'id'), entry.deployment);
  setText(cell(row, 'sent'), String(entry.sent));
  setText(cell(row, 'failed'), String(entry.failures));
  setText(cell(row, 'last'), entry.lastOutcome ?? '–');
  setText(cell(row, 'spent'), usd(entry.spend.spentTodayUsd));
  setText(cell(row, 'cap'), entry.spend.capped ? `${usd(entry.spend.capUsd)} (reached)` : usd(entry.spend.capUsd));
  const wait = entry.nextAt - (Date.now() + serverOffsetMs);
  setText(cell(row, 'next'), wait <= 0 ? 'now' : `in ${formatDuration(wait)}`);
}

/** Updates rows in place (keyed), so a button the operator is about to click is not replaced under the pointer. */
function syncRows(body, keyAttribute, items, keyOf, fill) {
  const existing = new Map([...body.rows].map((row) => [row.getAttribute(keyAttribute), row]));
  const rows = items.map((item) => {
    const key = keyOf(item);
    let row = existing.get(key);
    if (!row) {
      row = make('tr', undefined, { [keyAttribute]: key });
      row.cellsByName = {};
    }
    fill(row, item);
    return row;
  });
  if (rows.length !== body.rows.length || rows.some((row, index) => body.rows[index] !== row)) body.replaceChildren(...rows);
}

function cell(row, name, className) {
  if (!row.cellsByName[name]) {
    row.cellsByName[name] = make('td', undefined, { className: className ?? name });
    row.append(row.cellsByName[name]);
  }
  return row.cellsByName[name];
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setBadge(node, state) {
  const current = node.firstElementChild;
  if (current && current.dataset.state === state) return;
  node.replaceChildren(badge(state));
}

function deploymentRow(row, deployment) {
  row.dataset.state = deployment.state;
  setText(cell(row, 'id'), deployment.id);
  setBadge(cell(row, 'state'), deployment.state);
  setText(cell(row, 'reason'), deployment.reason);
  setText(cell(row, 'since'), ago(deployment.since));
  setText(cell(row, 'domains'), deployment.domains.join(', '));
  setText(cell(row, 'failure-rate'), deployment.attempts ? percent(deployment.failureRate) : '–');
  setText(
    cell(row, 'latency'),
    deployment.latencyP50Ms == null ? '–' : `${deployment.latencyP50Ms} / ${deployment.latencyP95Ms ?? '–'} ms`,
  );
  const actionCell = cell(row, 'action');
  const release = deployment.state === 'isolated';
  const button = actionCell.firstElementChild;
  if (!button || button.classList.contains('release') !== release) {
    const action = release
      ? make('button', 'Release', { className: 'release', type: 'button' })
      : make('button', 'Isolate', { className: 'isolate danger', type: 'button' });
    action.addEventListener('click', () => confirmAction(deployment.id, release));
    actionCell.replaceChildren(action);
  }
}

function domainRow(row, domain) {
  row.dataset.state = domain.state;
  setText(cell(row, 'name'), domain.name);
  setBadge(cell(row, 'state'), domain.state);
  setText(cell(row, 'affected'), domain.affected.join(', ') || '–');
  setText(cell(row, 'members'), domain.members.join(', '));
  setText(cell(row, 'since'), ago(domain.since));
}

// ---- isolate / release ----

let pendingAction;

function confirmAction(deploymentId, release) {
  pendingAction = { deploymentId, release };
  element('confirm-text').textContent = release
    ? `Release ${deploymentId}? It goes back to taking traffic as health allows.`
    : `Isolate ${deploymentId}? It gets no traffic, and is not probed, until it is released.`;
  element('confirm-reason-label').hidden = release;
  element('confirm-reason').value = '';
  element('confirm').showModal();
}

element('confirm').addEventListener('close', async () => {
  const dialog = element('confirm');
  const action = pendingAction;
  pendingAction = undefined;
  if (dialog.returnValue !== 'ok' || !action) return;
  const verb = action.release ? 'release' : 'isolate';
  const reason = element('confirm-reason').value.trim();
  const response = await fetch(`/admin/deployments/${encodeURIComponent(action.deploymentId)}/${verb}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-switchyard-dashboard': '1' },
    body: JSON.stringify(reason ? { reason } : {}),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    window.alert(`${verb} ${action.deploymentId} failed: ${body.error?.message ?? response.status}`);
  }
  // The new state arrives on the event stream like any other change.
});

// ---- incidents ----

function renderIncidents(payload) {
  const container = element('incidents');
  const note = element('incidents-note');
  if (!payload.available) {
    note.textContent = 'no incident store is configured (store: false)';
    container.replaceChildren();
    return;
  }
  note.textContent = payload.incidents.length === 0 ? 'no incidents in the last 24 hours' : '';
  const open = payload.incidents.filter((incident) => incident.status === 'open');
  const resolved = payload.incidents.filter((incident) => incident.status !== 'open');
  container.replaceChildren(...[...open, ...resolved].map(renderIncident));
}

function renderIncident(incident) {
  const card = make('article', undefined, {
    className: 'incident',
    'data-incident': incident.id,
    'data-status': incident.status,
  });
  const title = make('h4');
  title.append(badge(incident.status), ` ${incident.scope} ${incident.key} · ${incident.severity}`);
  const lead =
    incident.leadTimeMs == null
      ? 'status page: not acknowledged'
      : incident.leadTimeMs >= 0
        ? `detected ${formatDuration(incident.leadTimeMs)} before ${incident.statusPage.page}'s status page`
        : `${incident.statusPage.page}'s status page was ${formatDuration(-incident.leadTimeMs)} ahead`;
  const facts = make('div', undefined, { className: 'facts' });
  facts.append(
    make('span', `detected ${formatTime(incident.detectedAt)}`),
    make('span', incident.resolvedAt ? `resolved ${formatTime(incident.resolvedAt)}` : 'still open'),
    make('span', `lasted ${formatDuration(incident.durationMs)}`),
    make('span', lead, { className: 'lead-time' }),
  );
  const timeline = make('ol', undefined, { className: 'timeline' });
  for (const entry of incident.timeline) {
    timeline.append(make('li', `${formatTime(entry.at)} ${entry.kind}: ${entry.message}`));
  }
  const alerts = make('ul', undefined, { className: 'alerts' });
  for (const alert of incident.alerts ?? []) {
    const item = make('li', `${alert.transition} → ${alert.sink} `);
    item.append(badge(alert.status), alert.sentAt ? ` ${formatTime(alert.sentAt)}` : '');
    alerts.append(item);
  }
  if ((incident.alerts ?? []).length === 0) alerts.append(make('li', 'no alerts sent', { className: 'muted' }));
  card.append(title, facts, make('h5', 'Timeline'), timeline, make('h5', 'Alerts'), alerts);
  return card;
}

// ---- report ----

function table(headings, rows) {
  const result = make('table');
  const head = make('tr');
  for (const heading of headings) head.append(make('th', heading));
  result.append(make('thead').appendChild(head).parentNode);
  const body = make('tbody');
  for (const cells of rows) {
    const row = make('tr');
    for (const cell of cells) row.append(make('td', cell));
    body.append(row);
  }
  result.append(body);
  return result;
}

function renderReport(report) {
  const container = element('report');
  container.replaceChildren(
    ...report.headline.map((line) => make('p', line, { className: 'headline' })),
    make('h3', 'What each upstream had'),
    table(
      ['Deployment', 'Provider', 'Requests', 'Success', 'p50 / p95', 'Time ejected', 'Incidents'],
      report.deployments.map((deployment) => [
        deployment.id,
        deployment.provider ?? '–',
        deployment.requests,
        percent(deployment.successRate),
        deployment.latency ? `${deployment.latency.p50} / ${deployment.latency.p95} ms` : '–',
        formatDuration(deployment.timeEjectedMs),
        deployment.incidents,
      ]),
    ),
    make('h3', 'What clients saw'),
    table(
      ['Route', 'Requests', 'Success', 'Failovers', 'Extra latency'],
      report.routes.map((route) => [
        route.route,
        route.requests,
        percent(route.successRate),
        route.failovers,
        route.extraLatencyMs == null ? '–' : `${route.extraLatencyMs} ms`,
      ]),
    ),
  );
}

element('report-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const since = element('report-since').value;
  const container = element('report');
  container.replaceChildren(make('p', 'loading…', { className: 'muted' }));
  const response = await fetch(`/admin/report?since=${encodeURIComponent(since)}&format=json`, {
    credentials: 'same-origin',
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    container.replaceChildren(make('p', body.error?.message ?? `report failed (${response.status})`, { className: 'error' }));
    return;
  }
  renderReport(body);
});

// ---- the event stream ----

function connect() {
  const status = element('connection');
  const events = new EventSource('/dashboard/events', { withCredentials: true });
  events.addEventListener('open', () => {
    status.textContent = 'live';
    status.dataset.state = 'connected';
  });
  events.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.dataset.state = 'disconnected';
  });
  events.addEventListener('health', (event) => renderHealth(JSON.parse(event.data)));
  events.addEventListener('series', (event) => charts.apply(JSON.parse(event.data), true));
  events.addEventListener('series-update', (event) => charts.apply(JSON.parse(event.data), false));
  events.addEventListener('incidents', (event) => renderIncidents(JSON.parse(event.data)));
}

connect();
