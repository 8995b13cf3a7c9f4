#!/usr/bin/env node
// `npm test`: install missing test services, typecheck, then the whole vitest suite, then one plain closing line
// ("N passed, N failed, N skipped") that CI and humans can read at a glance.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const extra = process.argv.slice(2);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

// Real servers the suite starts for itself (redis-server, …) are installed here when missing.
const services = run('bash', [join(root, 'scripts', 'ensure-services.sh')]);
if (services !== 0) process.exit(services);

// One formatter and linter for the whole tree (Biome): a style or lint problem fails the run like a test.
const lint = run('npx', ['biome', 'check', '.']);
if (lint !== 0) {
  console.error('biome check failed: run `npm run format` for formatting, then fix what the linter names');
  process.exit(lint);
}

const typecheck = run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (typecheck !== 0) {
  console.error('typecheck failed');
  process.exit(typecheck);
}

const resultsDir = join(root, '.tmp');
const resultsFile = join(resultsDir, 'test-results.json');
mkdirSync(resultsDir, { recursive: true });
rmSync(resultsFile, { force: true });
const status = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...extra,
]);

try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  console.log(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
} catch {
  console.log('\n0 passed, 1 failed (no test results were written)');
}
process.exit(status);
