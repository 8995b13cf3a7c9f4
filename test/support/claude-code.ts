// Runs the real Claude Code CLI (the native binary from the @anthropic-ai/claude-code devDependency)
// headless against a local base URL, in a throw-away HOME so no user settings, history or login leak in.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Path of the platform binary the claude-code package ships as an optional dependency. */
export function claudeCodeBinary(): string {
  const musl = process.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const libc = process.platform === 'linux' && !musl?.header?.glibcVersionRuntime ? '-musl' : '';
  const name = `@anthropic-ai/claude-code-${process.platform}-${process.arch}${libc}`;
  return join(dirname(require.resolve(`${name}/package.json`)), process.platform === 'win32' ? 'claude.exe' : 'claude');
}

export interface ClaudeCodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `--output-format json` result object, when stdout held one. */
  result?: Record<string, unknown>;
}

export interface ClaudeCodeOptions {
  prompt: string;
  /** Extra environment: ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, CLAUDE_CODE_USE_BEDROCK, … */
  env: Record<string, string>;
  args?: string[];
  /** Killed after this long (a bound for the test, not a sleep). */
  timeoutMs?: number;
}

export function runClaudeCode(options: ClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const home = mkdtempSync(join(tmpdir(), 'switchyard-claude-home-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...options.env,
  };
  const args = ['-p', options.prompt, '--output-format', 'json', ...(options.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(claudeCodeBinary(), args, { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      let result: Record<string, unknown> | undefined;
      try {
        result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        result = undefined;
      }
      resolve(result ? { code, stdout, stderr, result } : { code, stdout, stderr });
    });
  });
}
