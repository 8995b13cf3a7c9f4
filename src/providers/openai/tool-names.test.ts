import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createToolNameMap } from './tool-names.js';
import { simpleTextRequest } from '../../../test/support/canonical-fixtures.js';

const validToolName = /^[a-zA-Z0-9_-]{1,64}$/;

function mapFor(names: string[]) {
  return createToolNameMap(
    simpleTextRequest({ tools: names.map((name) => ({ name, inputSchema: { type: 'object' } })) }),
  );
}

describe('tool name map', () => {
  it('keeps valid names as they are', () => {
    const map = mapFor(['get_weather', 'Read-File']);
    expect(map.toWire('get_weather')).toBe('get_weather');
    expect(map.fromWire('Read-File')).toBe('Read-File');
  });

  it('never gives an invalid name the wire name of a valid one', () => {
    const map = mapFor(['a.b', 'a_b']);
    expect(map.toWire('a_b')).toBe('a_b');
    expect(map.toWire('a.b')).not.toBe('a_b');
    expect(map.fromWire(map.toWire('a.b'))).toBe('a.b');
  });

  it('passes unknown upstream names through', () => {
    expect(mapFor(['x']).fromWire('hallucinated_tool')).toBe('hallucinated_tool');
  });

  it('is valid and reversible for any set of names', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 0, maxLength: 90 }), { minLength: 1, maxLength: 8 }),
        (names) => {
          const map = mapFor(names);
          const wireNames = names.map((name) => map.toWire(name));
          expect(new Set(wireNames).size).toBe(names.length);
          for (const [position, name] of names.entries()) {
            expect(wireNames[position]).toMatch(validToolName);
            expect(map.fromWire(wireNames[position] ?? '')).toBe(name);
          }
        },
      ),
    );
  });
});
