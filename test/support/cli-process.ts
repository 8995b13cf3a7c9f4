// Runs `switchyard <args>` from the TypeScript sources (through tsx) as its own process, the way a
// user or CI runs the built CLI, so exit codes, signals and stdio are the real ones.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (128 + signal number when killed). */
  exited: Promise<number>;
  /** Resolves once stdout contains `text`. */
  waitForStdout(text: string): Promise<void>;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'cli-entry.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of [...waiters])
      if (stdout.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal === 'SIGKILL' ? 137 : 128));
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStdout: (text) =>
      stdout.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve })),
  };
}
