// GET /dashboard on the gateway's own port: the page, its script and style (shipped in the package's
// assets/dashboard), uPlot read from the installed package (no CDN, no build step), and the one
// event stream the page lives on. Isolate and release are the admin API's own POST routes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DashboardFeed } from './dashboard-feed.js';

interface Asset {
  body: Buffer;
  contentType: string;
}

// The same relative path from src/control/dashboard and from dist/control/dashboard.
const assetDirectory = fileURLToPath(new URL('../../../assets/dashboard/', import.meta.url));

function loadAssets(): Map<string, Asset> {
  const uplotDirectory = dirname(createRequire(import.meta.url).resolve('uplot'));
  const files: Array<[string, string, string]> = [
    ['index.html', join(assetDirectory, 'index.html'), 'text/html; charset=utf-8'],
    ['app.js', join(assetDirectory, 'app.js'), 'text/javascript; charset=utf-8'],
    ['charts.js', join(assetDirectory, 'charts.js'), 'text/javascript; charset=utf-8'],
    ['style.css', join(assetDirectory, 'style.css'), 'text/css; charset=utf-8'],
    ['sign-in', join(assetDirectory, 'sign-in.html'), 'text/html; charset=utf-8'],
    ['sign-in.js', join(assetDirectory, 'sign-in.js'), 'text/javascript; charset=utf-8'],
    ['uPlot.js', join(uplotDirectory, 'uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    ['uPlot.css', join(uplotDirectory, 'uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  return new Map(files.map(([name, path, contentType]) => [name, { body: readFileSync(path), contentType }]));
}

const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export function registerDashboard(app: FastifyInstance, feed: DashboardFeed): void {
  const assets = loadAssets();
  const serve = (name: string) => async (_request: unknown, reply: FastifyReply) => {
    const asset = assets.get(name)!;
    return reply.headers(securityHeaders).header('content-type', asset.contentType).send(asset.body);
  };
  app.get('/dashboard', serve('index.html'));
  app.get('/dashboard/', serve('index.html'));
  for (const name of assets.keys()) if (name !== 'index.html') app.get(`/dashboard/${name}`, serve(name));

  app.get('/dashboard/events', (request, reply) => {
    reply.hijack();
    request.raw.socket.setNoDelay(true);
    return feed.attach(reply.raw);
  });
  // Open event streams would otherwise keep the server from closing.
  app.addHook('preClose', async () => feed.close());
}
