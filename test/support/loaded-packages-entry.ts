// Starts a gateway from the config file named on the command line, optionally sends it one request,
// then prints the npm packages this process has loaded (one JSON line) and exits: what a
// configuration makes the gateway load, seen from a fresh process (see lazy-modules.test.ts).
import { createRequire } from 'node:module';
import { loadConfigFile } from '../../src/config/load-config.js';
import { startGateway } from '../../src/server/gateway.js';

const [configPath, requestBody] = process.argv.slice(2);
const gateway = await startGateway({ config: loadConfigFile(configPath!), port: 0 });
let status: number | undefined;
if (requestBody) {
  const answer = await fetch(`${gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: requestBody,
  });
  status = answer.status;
  await answer.text();
}
// Every CommonJS module loaded so far, including those reached through `import` (the drivers are CommonJS).
const packages = new Set<string>();
for (const file of Object.keys(createRequire(import.meta.url).cache)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.slice(file.lastIndexOf('node_modules/')));
  if (match) packages.add(match[1]!);
}
process.stdout.write(`${JSON.stringify({ status, packages: [...packages].sort() })}\n`);
await gateway.close();
process.exit(0);
