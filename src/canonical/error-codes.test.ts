import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { switchyardErrorCodes } from './error-codes.js';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('switchyardErrorCodes', () => {
  it('lists every code the source raises, and nothing twice', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(sourceRoot)) {
      // A quoted literal is a code; environment variable names are built in templates or used as keys.
      for (const match of readFileSync(file, 'utf8').matchAll(/'(SWITCHYARD_[A-Z_]+)'/g)) used.add(match[1]!);
    }
    const listed = new Set<string>(switchyardErrorCodes);
    expect(listed.size).toBe(switchyardErrorCodes.length);
    expect([...used].filter((code) => !listed.has(code))).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });
});
