import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainDelta } from './anthropic-relay-stream.js';

const delta = (type: string, field: string, encoded: string) =>
  `{"type":"content_block_delta","index":0,"delta":{"type":"${type}","${field}":${encoded}}}`;

describe('the relay tap recognises plain deltas without parsing them', () => {
  it('recognises every text, tool-input, thinking and signature delta as Anthropic writes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat({ max: 1_000_000 }), (text, index) => {
        const encoded = JSON.stringify(text);
        expect(isPlainDelta(delta('text_delta', 'text', encoded).replace('"index":0', `"index":${index}`))).toBe(true);
        expect(isPlainDelta(delta('input_json_delta', 'partial_json', encoded))).toBe(true);
        expect(isPlainDelta(delta('thinking_delta', 'thinking', encoded))).toBe(true);
        expect(isPlainDelta(delta('signature_delta', 'signature', encoded))).toBe(true);
      }),
    );
  });

  it('recognises nothing a strict JSON parser would refuse', () => {
    // Raw text between the quotes, unescaped: whatever the pattern takes must parse.
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        const data = delta('text_delta', 'text', `"${raw}"`);
        if (isPlainDelta(data)) expect(() => JSON.parse(data)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
    for (const broken of ['"a\nb"', '"a\\x"', '"a\\u12"', '"a"b"', '"tab\there"']) {
      expect(isPlainDelta(delta('text_delta', 'text', broken))).toBe(false);
    }
    expect(isPlainDelta(delta('text_delta', 'text', '"ok"').replace('"index":0', '"index":01'))).toBe(false);
    // Another shape (a citation is an object) is left to the parser.
    expect(isPlainDelta(delta('citations_delta', 'citation', '{"type":"web_search_result_location"}'))).toBe(false);
  });
});
