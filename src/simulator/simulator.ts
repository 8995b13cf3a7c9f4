// The provider simulator: an HTTP server (plain node:http, so it can hang, cut and reset
// connections at will) that plays upstream providers for tests, benchmarks and the demo.
// `/u/<name>/...` are simulated upstreams (serve-upstream.ts), `/status/<page>/api/v2/...` simulated
// provider status pages (status-page.ts), `/_sim/...` the control API (control-api.ts, whose header
// documents every path). Time comes from the injected clock and
// randomness from a seeded generator, so runs are reproducible.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { serveControl } from './control-api.js';
import { FaultHistory } from './fault-history.js';
import { FaultRegistry } from './fault-registry.js';
import { sendJson } from './http-io.js';
import { applyScenarioStart, runScenarioTimeline, type Scenario } from './scenario.js';
import { listenBacklog } from '../util/listen-backlog.js';
import { serveUpstream, type UpstreamService } from './serve-upstream.js';
import { StatusPageRegistry, statusPagePrefix } from './status-page.js';
import {
  UpstreamRegistry,
  type RecordedRequest,
  type UpstreamSettings,
  type UpstreamStats,
} from './upstream-registry.js';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  clock?: Clock;
  /** Seed of the random that decides probabilistic faults (default fixed, so runs repeat). */
  seed?: number;
  /** Upstream settings, faults and a timeline applied from the start. */
  scenario?: Scenario;
  /** Time until the first output token (default 0). */
  timeToFirstTokenMs?: number;
  /** Output pace (default 0 = all at once). */
  tokensPerSecond?: number;
}

export interface SimulatorStats {
  upstreams: Record<string, UpstreamStats>;
}

export interface RunningSimulator {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
  faults: FaultRegistry;
  stats(): SimulatorStats;
  /** Settings and recorded requests of the simulated upstreams, for in-process callers. */
  upstreams: UpstreamRegistry;
  /** Shorthand for POST /_sim/upstreams/<name>. */
  configureUpstream(name: string, settings: UpstreamSettings): void;
  /** The last requests an upstream received, oldest first (the same as GET /_sim/requests/<name>?all=true). */
  requests(name: string): RecordedRequest[];
  /** Resolves when the scenario's timeline has been applied in full (at once without a scenario). */
  scenarioDone: Promise<void>;
  /** The simulated provider status pages (the same as /_sim/status-pages). */
  statusPages: StatusPageRegistry;
}

const defaultSeed = 0x5eed;
const upstreamPrefix = '/u/';
const controlPrefix = '/_sim/';

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? systemClock;
  const faults = new FaultRegistry(clock, seededRandom(options.seed ?? defaultSeed));
  const upstreams = new UpstreamRegistry(clock);
  // Kept from the start, so a page configured later still shows a fault that began before it.
  const history = new FaultHistory(faults, clock);
  const statusPages = new StatusPageRegistry(history, upstreams, clock);
  const targets = { faults, upstreams, statusPages };
  let sequence = 0;
  const service: UpstreamService = {
    upstreams,
    faults,
    clock,
    timing: { timeToFirstTokenMs: options.timeToFirstTokenMs ?? 0, tokensPerSecond: options.tokensPerSecond ?? 0 },
    nextSequence: () => (sequence += 1),
  };
  const lifetime = new AbortController();
  if (options.scenario) applyScenarioStart(options.scenario, targets);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (path.startsWith(upstreamPrefix)) {
      const nameEnd = path.indexOf('/', upstreamPrefix.length);
      const name = nameEnd === -1 ? '' : decodeURIComponent(path.slice(upstreamPrefix.length, nameEnd));
      if (name.length > 0) return serveUpstream(service, request, response, name, path.slice(nameEnd));
    } else if (path.startsWith(statusPagePrefix)) {
      return statusPages.serve(request, response, path.slice(statusPagePrefix.length));
    } else if (path.startsWith(controlPrefix)) {
      return serveControl(
        targets,
        request,
        response,
        path.slice(controlPrefix.length),
        queryStart === -1 ? '' : url.slice(queryStart + 1),
      );
    }
    request.resume();
    sendJson(response, 404, { error: `not found: ${request.method ?? 'GET'} ${path}` });
  };

  const server = createServer({ keepAlive: true, requestTimeout: 0 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in the simulator must not look like a provider answer: say so, or drop the connection.
      if (!response.headersSent)
        sendJson(response, 500, {
          error: `simulator failure: ${error instanceof Error ? error.message : String(error)}`,
        });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Real providers take a burst of connections at once; so does the simulator that plays them.
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: listenBacklog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host =
    options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;

  const scenarioDone = options.scenario
    ? runScenarioTimeline(options.scenario, targets, clock, clock.now(), lifetime.signal)
    : Promise.resolve();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults,
    upstreams,
    scenarioDone,
    statusPages,
    stats: () => ({ upstreams: upstreams.stats() }),
    configureUpstream: (name, settings) => {
      upstreams.configure(name, settings);
    },
    requests: (name) => upstreams.recordedRequests(name),
    close() {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        history.close();
        server.close(() => resolve());
        // Hanging and streaming exchanges never end on their own: drop them (their clients see a closed connection).
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export type { Scenario } from './scenario.js';
export type { Fault, FaultSpec, FaultKind } from './fault-spec.js';
export type { UpstreamSettings, UpstreamStats, RecordedRequest } from './upstream-registry.js';
export { FaultRegistry } from './fault-registry.js';
export { StatusPageRegistry, type StatusPageDescription } from './status-page.js';
export type { StatusPageSettings } from './status-page-spec.js';
export { loadScenarioFile, parseScenario } from './scenario.js';
export { simulatorAwsCredentials, bedrockSigningService } from './dialects/bedrock-auth.js';
export { bedrockAnthropicVersion } from './dialects/bedrock-invoke.js';
export { vertexAnthropicVersion } from './dialects/vertex.js';
