// The fifteen-minute charts: one card per route and per deployment, each with three uPlot charts
// (request rate with success rate, latency p50 / p95, time to first token p50 / p95). Failovers and
// hedges are marked as vertical lines by a small uPlot plugin. Series arrive whole on connect and as
// the newest buckets afterwards; buckets are merged by their start time.

const windowPoints = 180;
const fields = [
  'requestsPerSecond',
  'successRate',
  'latencyP50Ms',
  'latencyP95Ms',
  'timeToFirstTokenP50Ms',
  'timeToFirstTokenP95Ms',
  'failovers',
  'hedges',
];

function emptyPoints() {
  const points = { time: [] };
  for (const field of fields) points[field] = [];
  return points;
}

function mergePoints(into, update) {
  for (let index = 0; index < update.time.length; index += 1) {
    const time = update.time[index];
    let at = into.time.lastIndexOf(time);
    if (at === -1) {
      into.time.push(time);
      at = into.time.length - 1;
    }
    for (const field of fields) into[field][at] = update[field][index];
  }
  const extra = into.time.length - windowPoints;
  if (extra > 0) {
    into.time.splice(0, extra);
    for (const field of fields) into[field].splice(0, extra);
  }
}

/** Draws a vertical line at every bucket with a failover (orange) or a hedge (purple). */
function markersPlugin(getPoints) {
  return {
    hooks: {
      draw: [
        (chart) => {
          const points = getPoints();
          const { ctx } = chart;
          const { top, height } = chart.bbox;
          ctx.save();
          ctx.lineWidth = 2 * devicePixelRatio;
          for (let index = 0; index < points.time.length; index += 1) {
            for (const [field, color] of [
              ['failovers', '#f97316'],
              ['hedges', '#a855f7'],
            ]) {
              if (!(points[field][index] > 0)) continue;
              const x = chart.valToPos(points.time[index], 'x', true);
              ctx.strokeStyle = color;
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + height);
              ctx.stroke();
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

const milliseconds = (_chart, values) => values.map((value) => (value == null ? '' : `${Math.round(value)} ms`));

function chartSpecs() {
  return [
    {
      title: 'requests/s · success %',
      series: [
        { label: 'req/s', stroke: '#2563eb', scale: 'rate', points: { show: false }, value: (_c, v) => (v == null ? '–' : v.toFixed(2)) },
        {
          label: 'success %',
          stroke: '#16a34a',
          scale: 'percent',
          value: (_c, v) => (v == null ? '–' : `${(v * 100).toFixed(1)}%`),
        },
      ],
      axes: [
        { scale: 'rate', size: 40 },
        {
          scale: 'percent',
          side: 1,
          size: 40,
          values: (_c, values) => values.map((v) => `${Math.round(v * 100)}%`),
          grid: { show: false },
        },
      ],
      scales: { rate: { auto: true, range: (_c, _min, max) => [0, Math.max(1, max)] }, percent: { range: [0, 1] } },
      data: (points) => [points.requestsPerSecond, points.successRate],
    },
    {
      title: 'latency p50 / p95',
      series: [
        { label: 'p50', stroke: '#0891b2', scale: 'ms' },
        { label: 'p95', stroke: '#7c3aed', scale: 'ms' },
      ],
      axes: [{ scale: 'ms', size: 56, values: milliseconds }],
      scales: { ms: { auto: true } },
      data: (points) => [points.latencyP50Ms, points.latencyP95Ms],
    },
    {
      title: 'time to first token p50 / p95',
      series: [
        { label: 'p50', stroke: '#0891b2', scale: 'ms' },
        { label: 'p95', stroke: '#7c3aed', scale: 'ms' },
      ],
      axes: [{ scale: 'ms', size: 56, values: milliseconds }],
      scales: { ms: { auto: true } },
      data: (points) => [points.timeToFirstTokenP50Ms, points.timeToFirstTokenP95Ms],
    },
  ];
}

class SeriesCard {
  constructor(container, kind, name) {
    this.points = emptyPoints();
    this.element = document.createElement('div');
    this.element.className = 'chart-card';
    this.element.dataset.kind = kind;
    this.element.dataset.name = name;
    const heading = document.createElement('h4');
    heading.textContent = name;
    const row = document.createElement('div');
    row.className = 'chart-row';
    this.element.append(heading, row);
    container.append(this.element);
    this.charts = chartSpecs().map((spec) => {
      const holder = document.createElement('div');
      row.append(holder);
      const chart = new uPlot(
        {
          title: spec.title,
          width: 250,
          height: 140,
          legend: { show: true, live: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, ...spec.scales },
          // Points as well as lines: a lone bucket between empty ones has no line to draw.
          series: [{}, ...spec.series.map((series) => ({ points: { show: true, size: 4 }, ...series }))],
          axes: [{ size: 30 }, ...spec.axes],
          plugins: [markersPlugin(() => this.points)],
        },
        [[]],
        holder,
      );
      return { chart, spec };
    });
  }

  update(points, replace) {
    if (replace) this.points = emptyPoints();
    mergePoints(this.points, points);
    for (const { chart, spec } of this.charts) chart.setData([this.points.time, ...spec.data(this.points)]);
  }
}

export class ChartBoard {
  constructor(routeContainer, deploymentContainer) {
    this.containers = { route: routeContainer, deployment: deploymentContainer };
    this.cards = new Map();
  }

  /** A whole view (replace) or the newest buckets. */
  apply(view, replace) {
    for (const [kind, group] of [
      ['route', view.routes],
      ['deployment', view.deployments],
    ]) {
      for (const [name, points] of Object.entries(group)) {
        const key = `${kind}:${name}`;
        let card = this.cards.get(key);
        if (!card) {
          card = new SeriesCard(this.containers[kind], kind, name);
          this.cards.set(key, card);
        }
        card.update(points, replace);
      }
    }
  }
}
