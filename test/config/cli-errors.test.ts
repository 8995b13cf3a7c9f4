// Every CLI and config error through the real CLI process: one line on stderr naming the file, the
// field and what was expected, exit code 1, never a stack trace. Each case starts a process (through
// tsx), so the tests get a longer timeout than the in-process ones.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

const directory = mkdtempSync(join(tmpdir(), 'switchyard-cli-errors-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const deployment = { id: 'a', provider: 'anthropic', model: 'claude-sonnet-4-6', apiKey: 'k' };

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

async function failure(args: string[], env: Record<string, string | undefined> = {}) {
  const run = runCli(args, env, 30_000);
  const code = await run.exited;
  const stderr = run.stderr().trimEnd();
  expect(code).toBe(1);
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |\.ts:\d+/);
  return stderr;
}

describe('CLI errors', () => {
  it('name the file, the field and what was expected, on one line, for several bad configs', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['yaml.yaml', 'deployments: [\n  - id: a\n  bad', /^\S+yaml\.yaml: \(yaml\): .+/],
      [
        'field.yaml',
        JSON.stringify({ deployments: [{ ...deployment, colour: 'red' }] }),
        /field\.yaml: deployments\[0\]: Unrecognized key.*colour/,
      ],
      [
        'type.yaml',
        JSON.stringify({ server: { port: 'eighty' }, deployments: [deployment] }),
        /type\.yaml: server\.port: Invalid input: expected number, received string/,
      ],
      [
        'reference.yaml',
        JSON.stringify({ deployments: [deployment], routes: [{ name: 'r', deployments: ['b'] }] }),
        /reference\.yaml: routes\[0\]\.deployments\[0\]: unknown deployment "b"/,
      ],
      [
        'env.yaml',
        JSON.stringify({ deployments: [{ ...deployment, apiKey: '${NOT_SET_ANYWHERE_KEY}' }] }),
        /env\.yaml: deployments\[0\]\.apiKey: environment variable NOT_SET_ANYWHERE_KEY is not set/,
      ],
    ];
    const lines = await Promise.all(cases.map(([name, text]) => failure(['validate', '--config', file(name, text)])));
    for (const [index, [, , pattern]] of cases.entries()) expect(lines[index]).toMatch(pattern);
    // Two problems in one file: still one line, both named.
    const both = await failure([
      'serve',
      '--config',
      file('two.yaml', JSON.stringify({ server: { port: -1 }, deployments: [{ ...deployment, provider: 'acme' }] })),
    ]);
    expect(both).toMatch(/two\.yaml: server\.port: .+; .*two\.yaml: deployments\[0\]\.provider: /);
  }, 120_000);

  it('names a missing file, a bad option and a bad port', async () => {
    const missing = join(directory, 'nowhere.yaml');
    expect(await failure(['validate', '--config', missing])).toBe(`${missing}: cannot read (ENOENT)`);
    expect(await failure(['serve', '--bogus'])).toMatch(/^switchyard serve: Unknown option '--bogus'/);
    expect(await failure(['serve', '--port', 'abc'])).toBe('--port: expected a port number from 0 to 65535, got "abc"');
    expect(await failure(['keys', 'create', '--config', missing, '--name', 'x'])).toContain(`${missing}: cannot read`);
  }, 120_000);
});
