// A real PostgreSQL server for tests: a throwaway cluster (initdb) in a temporary folder, on a free
// loopback port, trust auth, no fsync (commits still reach the WAL, so a crash keeps them). Run as the
// `postgres` system user when the tests run as root (PostgreSQL refuses to run as root). Can be stopped and started again to test an outage.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (run scripts/ensure-services.sh)');
  return join(root, versions[0]!, 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
function command(binary: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

export class TestPostgres {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dataDir: string,
    private readonly folder: string,
  ) {}

  static async start(): Promise<TestPostgres> {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
    chmodSync(folder, 0o777);
    const dataDir = join(folder, 'data');
    const [initdb, initArgs] = command(join(binDir(), 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    const result = spawnSync(initdb, initArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr || result.stdout}`);
    const server = new TestPostgres(await freePort(), dataDir, folder);
    await server.resume();
    return server;
  }

  /** postgres://postgres@127.0.0.1:PORT/postgres */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async resume(): Promise<void> {
    const [postgres, args] = command(join(binDir(), 'postgres'), [
      '-D',
      this.dataDir,
      '-p',
      String(this.port),
      '-h',
      '127.0.0.1',
      '-k',
      this.folder,
      // No fsync (the machine does not crash, only the server does), but every commit reaches the WAL
      // before it returns, so a stop() crash loses nothing committed: with synchronous_commit off, a
      // loaded machine lost the schema migrations an outage test had committed seconds before.
      '-c',
      'fsync=off',
    ]);
    const child = spawn(postgres, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready to accept connections')) {
          child.stderr?.off('data', onData);
          resolve();
        }
      };
      child.stderr?.on('data', onData);
      child.stdout?.on('data', onData);
      child.once('error', (error) => reject(new Error(`postgres could not start: ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`postgres exited with ${code}: ${output.slice(-500)}`)));
    });
  }

  /** Stops the server at once (an outage) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Immediate shutdown, like a crash, without waiting for clients. Through pg_ctl, because when we
    // are root the child is `runuser`, which does not pass signals on to postgres.
    const [pgCtl, args] = command(join(binDir(), 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'immediate', '-w']);
    spawnSync(pgCtl, args, { encoding: 'utf8' });
    await exited;
    this.process = undefined;
  }

  /** Stops the server and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }
}
