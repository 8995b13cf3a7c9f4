// Simulated provider status pages: one Statuspage-format page per configured name, served under
// /status/<page>/api/v2/*.json, whose components follow the injected faults after the page's lag
// (status-page-state.ts says how). Pages are configured through POST /_sim/status-pages/<page> and
// scenario files (`statusPages:`); control-api.ts documents both.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../util/clock.js';
import type { FaultHistory } from './fault-history.js';
import { sendJson } from './http-io.js';
import { documentFor, renderStatusPage } from './status-page-render.js';
import { defaultStatusPageLagMs, type StatusPageServeMode, type StatusPageSettings } from './status-page-spec.js';
import { computePageState, type PageState, type SimulatedComponent } from './status-page-state.js';
import type { UpstreamRegistry } from './upstream-registry.js';

export const statusPagePrefix = '/status/';

interface SimulatedPage {
  name: string;
  id: string;
  title: string;
  components: SimulatedComponent[];
  lagMs: number;
  serve: StatusPageServeMode;
  createdAt: number;
}

export interface StatusPageDescription {
  name: string;
  id: string;
  title: string;
  lagMs: number;
  serve: StatusPageServeMode;
  components: Record<string, { name: string; targets: string[]; description?: string }>;
  /** Relative to the simulator's URL. */
  summaryPath: string;
}

export class StatusPageRegistry {
  private readonly pages = new Map<string, SimulatedPage>();

  constructor(
    private readonly history: FaultHistory,
    private readonly upstreams: UpstreamRegistry,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Creates the page or changes what the settings name (components are replaced as a whole). */
  configure(name: string, settings: StatusPageSettings): StatusPageDescription {
    const existing = this.pages.get(name);
    const page: SimulatedPage = existing ?? {
      name,
      id: createHash('sha256').update(name).digest('hex').slice(0, 12),
      title: name,
      components: [],
      lagMs: defaultStatusPageLagMs,
      serve: 'json',
      createdAt: this.clock.now(),
    };
    if (settings.components !== undefined) {
      page.components = Object.entries(settings.components).map(([id, component]) => ({ id, ...component }));
    }
    if (settings.lagMs !== undefined) page.lagMs = settings.lagMs;
    if (settings.title !== undefined) page.title = settings.title;
    if (settings.serve !== undefined) page.serve = settings.serve;
    this.pages.set(name, page);
    return this.describe(page);
  }

  remove(name: string): boolean {
    return this.pages.delete(name);
  }

  find(name: string): StatusPageDescription | undefined {
    const page = this.pages.get(name);
    return page ? this.describe(page) : undefined;
  }

  list(): StatusPageDescription[] {
    return [...this.pages.values()].map((page) => this.describe(page));
  }

  /** What the page shows now (undefined for an unknown page). */
  state(name: string, now = this.clock.now()): PageState | undefined {
    const page = this.pages.get(name);
    if (!page) return undefined;
    const upstreams = this.upstreams.all().map((upstream) => ({ name: upstream.name, labels: upstream.labels }));
    return computePageState(
      { components: page.components, lagMs: page.lagMs, createdAt: page.createdAt },
      this.history.intervalsUntil(now),
      upstreams,
      now,
    );
  }

  /** Answers GET /status/<page>/api/v2/<document>.json; `rest` is what follows /status/. */
  serve(request: IncomingMessage, response: ServerResponse, rest: string): void {
    request.resume();
    const slash = rest.indexOf('/');
    const name = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
    const page = this.pages.get(name);
    const apiPath = slash === -1 ? '' : rest.slice(slash);
    const document = apiPath.startsWith('/api/v2/') ? documentFor(apiPath.slice('/api/v2/'.length)) : undefined;
    if (!page || !document)
      return sendHtml(response, 404, '<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendJson(response, 405, { error: `${request.method ?? ''} not allowed` });
    switch (page.serve) {
      case 'html':
        return sendHtml(
          response,
          200,
          `<!DOCTYPE html><html><head><title>${page.title} Status</title></head><body>Loading…</body></html>`,
        );
      case 'not-found':
        return sendHtml(
          response,
          404,
          '<!DOCTYPE html><html><body><h1>The page you were looking for does not exist.</h1></body></html>',
        );
      case 'error':
        return sendHtml(response, 503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
      case 'malformed': {
        const text = `{"page":{"id":"${page.id}","name":`;
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        return void response.end(text);
      }
      case 'json': {
        const host = request.headers.host ?? '127.0.0.1';
        const identity = {
          id: page.id,
          name: page.title,
          url: `http://${host}${statusPagePrefix}${encodeURIComponent(page.name)}`,
          createdAt: page.createdAt,
        };
        return sendJson(response, 200, renderStatusPage(document, identity, this.state(page.name)!), {
          'cache-control': 'max-age=0, private, must-revalidate',
        });
      }
    }
  }

  private describe(page: SimulatedPage): StatusPageDescription {
    const components: StatusPageDescription['components'] = {};
    for (const component of page.components) {
      components[component.id] = {
        name: component.name,
        targets: [...component.targets],
        ...(component.description ? { description: component.description } : {}),
      };
    }
    return {
      name: page.name,
      id: page.id,
      title: page.title,
      lagMs: page.lagMs,
      serve: page.serve,
      components,
      summaryPath: `${statusPagePrefix}${encodeURIComponent(page.name)}/api/v2/summary.json`,
    };
  }
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  response.end(html);
}
