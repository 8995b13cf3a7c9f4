// A throwaway redis-server for the two-replica scenario: a free loopback port, no persistence,
// killed when the bench exits. The same recipe as test/support/redis-server.ts.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves to { url, stop() } once the server accepts connections; rejects when redis-server is missing. */
export async function startRedisServer() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('error', (error) =>
      reject(new Error(`redis-server could not start (install it, e.g. scripts/ensure-services.sh): ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-400)}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
