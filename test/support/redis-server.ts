// A real redis-server for tests, on a free loopback port, with no persistence. It can be stopped
// and started again on the same port, to test what happens when Redis goes away mid-run.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export class TestRedis {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and resolves when it accepts connections. */
  async resume(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('error', (error) =>
        reject(new Error(`redis-server could not start (run scripts/ensure-services.sh): ${error.message}`)),
      );
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-400)}`)));
    });
  }

  /** Stops the server (as an outage would) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.process = undefined;
  }
}
