// The dashboard's one server-sent-events stream. Every open page gets, on connect, the whole picture
// (health, the fifteen-minute series, incidents), then: health the moment a deployment or domain
// changes state (so an ejection shows without waiting for a tick), health figures and the newest
// series buckets once a second, and incidents whenever they change. One feed serves every page: the
// store is read once per refresh however many pages are open, and nothing runs while none is.
import type { ServerResponse } from 'node:http';
import type { HealthSnapshot } from '../../health/health-snapshot.js';
import type { Clock } from '../../util/clock.js';
import type { TrafficSeries } from './traffic-series.js';

export interface DashboardSources {
  clock: Clock;
  series: TrafficSeries;
  /** Absent when health tracking is off. */
  health?: () => HealthSnapshot;
  /** Extra figures shown beside health (probes sent, shared-state connection). */
  extra?: () => Record<string, unknown>;
  /** Subscribes to deployment and domain state changes; returns the unsubscribe function. */
  onStateChange?: (listener: () => void) => () => void;
  /** Open and recent incidents with their timelines and alerts; absent without an incident store. */
  incidents?: () => Promise<unknown[]>;
  /** Subscribes to incident transitions; returns the unsubscribe function. */
  onIncidentChange?: (listener: () => void) => () => void;
  /** Called when reading incidents fails (the page keeps its last list). */
  onError?: (error: unknown) => void;
}

const tickMs = 1_000;
/** Incidents are re-read this often even without a transition (alerts get sent, status pages answer). */
const incidentRefreshTicks = 5;
/** The recorder writes an incident shortly after the transition: read it back a little later. */
const incidentSettleMs = 250;
/** A page that reads this far behind is dropped rather than buffered without bound. */
const maxBufferedBytes = 1 << 20;

export class DashboardFeed {
  private readonly clients = new Set<ServerResponse>();
  private cancelTick: (() => void) | undefined;
  private ticks = 0;
  private lastSeriesAt = 0;
  private lastIncidents = '';
  private incidentsText = '';
  private healthQueued = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly sources: DashboardSources) {
    if (sources.onStateChange) this.unsubscribe.push(sources.onStateChange(() => this.queueHealth()));
    if (sources.onIncidentChange)
      this.unsubscribe.push(
        sources.onIncidentChange(() => {
          sources.clock.schedule(incidentSettleMs, () => void this.refreshIncidents());
        }),
      );
  }

  get connected(): number {
    return this.clients.size;
  }

  /** Takes over a response as an event stream until the page goes away or the feed closes. */
  async attach(response: ServerResponse): Promise<void> {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 1000\n\n');
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stopTicking();
    });
    this.send(response, 'health', this.healthPayload());
    this.send(response, 'series', this.sources.series.view());
    if (this.sources.incidents) {
      if (this.clients.size === 1 || !this.incidentsText) await this.refreshIncidents();
      else this.write(response, this.incidentsText);
    } else {
      this.send(response, 'incidents', { available: false, incidents: [] });
    }
    this.startTicking();
  }

  close(): void {
    this.stopTicking();
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private healthPayload(): Record<string, unknown> {
    const snapshot = this.sources.health?.();
    return {
      now: this.sources.clock.now(),
      available: snapshot !== undefined,
      deployments: snapshot?.deployments ?? [],
      domains: snapshot?.domains ?? [],
      ...this.sources.extra?.(),
    };
  }

  private queueHealth(): void {
    if (this.healthQueued || this.clients.size === 0) return;
    this.healthQueued = true;
    queueMicrotask(() => {
      this.healthQueued = false;
      this.broadcast('health', this.healthPayload());
    });
  }

  private async refreshIncidents(): Promise<void> {
    if (!this.sources.incidents || this.clients.size === 0) return;
    try {
      const incidents = await this.sources.incidents();
      const text = JSON.stringify({ available: true, incidents });
      this.incidentsText = frame('incidents', text);
      if (text === this.lastIncidents) return;
      this.lastIncidents = text;
      for (const client of this.clients) this.write(client, this.incidentsText);
    } catch (error) {
      this.sources.onError?.(error);
    }
  }

  private startTicking(): void {
    if (this.cancelTick) return;
    this.lastSeriesAt = this.sources.clock.now();
    const tick = () => {
      this.cancelTick = this.sources.clock.schedule(tickMs, () => {
        if (this.clients.size === 0) return;
        this.tick();
        tick();
      });
    };
    tick();
  }

  private stopTicking(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  private tick(): void {
    this.ticks += 1;
    const now = this.sources.clock.now();
    this.broadcast('health', this.healthPayload());
    // The buckets since the last tick (the page replaces buckets it has, appends new ones).
    this.broadcast('series-update', this.sources.series.view(this.lastSeriesAt - tickMs));
    this.lastSeriesAt = now;
    if (this.ticks % incidentRefreshTicks === 0) void this.refreshIncidents();
  }

  private broadcast(event: string, payload: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, JSON.stringify(payload));
    for (const client of this.clients) this.write(client, text);
  }

  private send(client: ServerResponse, event: string, payload: unknown): void {
    this.write(client, frame(event, JSON.stringify(payload)));
  }

  private write(client: ServerResponse, text: string): void {
    if (client.writableLength > maxBufferedBytes) {
      client.destroy();
      return;
    }
    client.write(text);
  }
}

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}
