import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editJsonFields, forwardedText } from './edit-json-fields.js';

describe('editJsonFields', () => {
  it('changes only the edited value, keeping every other byte', () => {
    const text =
      '{ "model" : "sonnet",\n  "seed": 18446744073709551615, "temperature": 1.0, "note": "caf\\u00e9 \\"x\\"" }';
    expect(editJsonFields(text, { model: 'claude-sonnet-4-6' })).toBe(
      '{ "model" : "claude-sonnet-4-6",\n  "seed": 18446744073709551615, "temperature": 1.0, "note": "caf\\u00e9 \\"x\\"" }',
    );
  });

  it('appends a missing field and removes one, with its separator', () => {
    expect(editJsonFields('{"a":1,"b":[1,{"c":"}"}],"d":null}', { b: undefined, e: true })).toBe(
      '{"a":1,"d":null,"e":true}',
    );
    expect(editJsonFields('{"a":1,"b":2}', { a: undefined })).toBe('{"b":2}');
    expect(editJsonFields('{"a":1,"b":2}', { a: undefined, b: undefined })).toBe('{}');
    expect(editJsonFields('{ }', { model: 'm' })).toBe('{ "model":"m"}');
    expect(editJsonFields('{"a":1}', { a: undefined, z: 2 })).toBe('{"z":2}');
    expect(editJsonFields('{"a":1}', { missing: undefined })).toBe('{"a":1}');
  });

  it('reads escaped keys and strings that end in backslashes', () => {
    expect(editJsonFields('{"p\\u0061th":"a\\\\","x":"\\\\\\""}', { path: 'b' })).toBe(
      '{"p\\u0061th":"b","x":"\\\\\\""}',
    );
  });

  it('gives up on a text that is not one object, or names an edited field twice', () => {
    expect(editJsonFields('[1,2]', { a: 1 })).toBeUndefined();
    expect(editJsonFields('{"model":"a","model":"b"}', { model: 'c' })).toBeUndefined();
    // A field the gateway does not edit may repeat: its bytes are the client's business.
    expect(editJsonFields('{"x":1,"x":2,"model":"a"}', { model: 'c' })).toBe('{"x":1,"x":2,"model":"c"}');
  });

  it('parses to the body with the edits applied, for any object and any layout', () => {
    const key = fc.oneof(fc.constantFrom('model', 'stream', 'stream_options', 'a'), fc.string());
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.jsonValue()),
        fc.dictionary(key, fc.option(fc.jsonValue(), { nil: undefined })),
        fc.constantFrom(undefined, 1, '\t', '\r\n '),
        (body, edits, indent) => {
          const text = JSON.stringify(body, null, indent as string | number | undefined);
          const edited = editJsonFields(text, edits);
          expect(edited).toBeDefined();
          // Built with fromEntries, not assignment: a generated "__proto__" key must stay a plain field.
          const entries = new Map(Object.entries(body));
          for (const [name, value] of Object.entries(edits)) {
            if (value === undefined) entries.delete(name);
            else entries.set(name, value);
          }
          const expected = Object.fromEntries(entries);
          // JSON.parse drops the sign of -0 the way JSON.stringify writes it: compare through JSON.
          expect(JSON.parse(edited!)).toEqual(JSON.parse(JSON.stringify(expected)));
          // Every field left alone keeps its exact text.
          for (const [name, value] of Object.entries(body)) {
            if (!Object.hasOwn(edits, name) && indent === undefined)
              expect(edited).toContain(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('forwardedText', () => {
  const text = '{"model": "sonnet", "tools": [ {"name": "a"} ], "metadata": {"user_id": "u"}, "seed": 1.0}';
  const body = JSON.parse(text) as Record<string, unknown>;
  const original = { format: 'anthropic-messages' as const, body, received: { body, text } };

  it('writes only the top-level fields whose value is no longer the one the client sent', () => {
    const { metadata: _metadata, ...rest } = body;
    expect(forwardedText(original, { ...rest, model: 'claude-x', anthropic_version: 'v' })).toBe(
      '{"model": "claude-x", "tools": [ {"name": "a"} ], "seed": 1.0,"anthropic_version":"v"}',
    );
    // An equal but rebuilt value is written anew: only the very value the client sent keeps its bytes.
    expect(forwardedText(original, { ...body, tools: [{ name: 'a' }] })).toBe(
      '{"model": "sonnet", "tools": [{"name":"a"}], "metadata": {"user_id": "u"}, "seed": 1.0}',
    );
    expect(forwardedText(original, { ...body })).toBe(text);
  });

  it('serialises the body when the text no longer describes the body it was parsed into', () => {
    const reshaped = { ...body };
    expect(forwardedText({ ...original, body: reshaped }, reshaped)).toBe(JSON.stringify(reshaped));
    expect(forwardedText({ format: 'openai-chat', body }, body)).toBe(JSON.stringify(body));
  });
});
