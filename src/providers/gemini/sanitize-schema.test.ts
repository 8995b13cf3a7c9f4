// Schema sanitising: the rewrites one at a time, and a property: whatever JSON Schema comes in,
// only keywords Gemini's Schema knows come out, and every type is a single known name.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sanitizeGeminiSchema, sanitizeToolParameters } from './sanitize-schema.js';

const allowedKeywords = new Set([
  'type',
  'title',
  'description',
  'nullable',
  'enum',
  'format',
  'items',
  'properties',
  'required',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'anyOf',
]);
const geminiTypes = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** Walks a sanitised schema and collects every problem Gemini would answer 400 for. */
function problems(schema: unknown, path = '#'): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [`${path} is not an object`];
  const found: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (!allowedKeywords.has(key)) found.push(`${path}/${key} is not a Gemini keyword`);
    if (key === 'type' && !(typeof value === 'string' && geminiTypes.has(value)))
      found.push(`${path}/type is ${JSON.stringify(value)}`);
    if (key === 'enum' && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string')))
      found.push(`${path}/enum is not strings`);
    if (key === 'properties')
      for (const [name, property] of Object.entries(value as object))
        found.push(...problems(property, `${path}/properties/${name}`));
    if (key === 'items') found.push(...problems(value, `${path}/items`));
    if (key === 'anyOf')
      for (const [index, branch] of (value as unknown[]).entries())
        found.push(...problems(branch, `${path}/anyOf/${index}`));
    if (key === 'required') {
      const properties = (schema as { properties?: object }).properties ?? {};
      for (const name of value as string[])
        if (!(name in properties)) found.push(`${path}/required names missing ${name}`);
    }
  }
  return found;
}

describe('sanitizeGeminiSchema', () => {
  it('turns const into a string enum and non-string enums into words', () => {
    expect(sanitizeGeminiSchema({ const: 'fixed' })).toEqual({ type: 'string', enum: ['fixed'] });
    expect(sanitizeGeminiSchema({ type: 'integer', enum: [1, 2], description: 'Level' })).toEqual({
      type: 'integer',
      description: 'Level (one of: 1, 2)',
    });
    expect(sanitizeGeminiSchema({ const: true })).toEqual({ type: 'boolean', description: 'one of: true' });
  });

  it('turns ["x","null"] into x + nullable and several types into anyOf', () => {
    expect(sanitizeGeminiSchema({ type: ['string', 'null'], maxLength: 3 })).toEqual({
      type: 'string',
      maxLength: 3,
      nullable: true,
    });
    expect(
      sanitizeGeminiSchema({ type: ['array', 'string', 'null'], items: { type: 'string' }, description: 'Paths' }),
    ).toEqual({
      description: 'Paths',
      anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
      nullable: true,
    });
  });

  it('collapses anyOf with a null branch, and keeps a real union as anyOf', () => {
    expect(sanitizeGeminiSchema({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toEqual({
      type: 'string',
      nullable: true,
    });
    expect(sanitizeGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
  });

  it('inlines $ref, cuts recursion and survives unresolvable references', () => {
    const tree = {
      type: 'object',
      properties: {
        root: { $ref: '#/definitions/node' },
        remote: { $ref: 'https://example.com/schema.json', description: 'Elsewhere' },
      },
      definitions: {
        node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/node' } } } },
      },
    };
    expect(sanitizeGeminiSchema(tree)).toEqual({
      type: 'object',
      properties: {
        root: { type: 'object', properties: { children: { type: 'array', items: { type: 'object' } } } },
        remote: { description: 'Elsewhere' },
      },
    });
    expect(sanitizeGeminiSchema({ $ref: '#' })).toEqual({ type: 'object' });
  });

  it('stays bounded when definitions use each other many times', () => {
    // Each level uses the next twice: inlined naively, 2^40 nodes.
    const $defs: Record<string, unknown> = { level40: { type: 'string' } };
    for (let level = 0; level < 40; level++) {
      $defs[`level${level}`] = {
        type: 'object',
        properties: { left: { $ref: `#/$defs/level${level + 1}` }, right: { $ref: `#/$defs/level${level + 1}` } },
      };
    }
    const sanitized = sanitizeGeminiSchema({ $ref: '#/$defs/level0', $defs });
    expect(JSON.stringify(sanitized).match(/"type"/g)?.length ?? 0).toBeLessThan(3_000);
    expect(problems(sanitized)).toEqual([]);
  });

  it('keeps only the formats Gemini knows', () => {
    expect(sanitizeGeminiSchema({ type: 'string', format: 'email' })).toEqual({ type: 'string' });
    expect(sanitizeGeminiSchema({ type: 'integer', format: 'int64' })).toEqual({ type: 'integer', format: 'int64' });
    expect(sanitizeGeminiSchema({ type: 'number', format: 'int64' })).toEqual({ type: 'number' });
  });

  it('leaves out parameters for a tool without arguments', () => {
    expect(sanitizeToolParameters({ type: 'object', properties: {} })).toBeUndefined();
    expect(sanitizeToolParameters({})).toBeUndefined();
    expect(sanitizeToolParameters({ properties: { a: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
  });

  it('only ever produces keywords and types Gemini accepts (property)', () => {
    const keyword = fc.constantFrom(
      '$schema',
      'additionalProperties',
      'const',
      'propertyNames',
      'default',
      'examples',
      'title',
      'description',
      'format',
      'pattern',
      'minimum',
      'exclusiveMaximum',
      'uniqueItems',
      'not',
      'if',
      'patternProperties',
      'nullable',
      'minItems',
    );
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const typeName = fc.constantFrom(
      'string',
      'number',
      'integer',
      'boolean',
      'array',
      'object',
      'null',
      'STRING',
      'weird',
    );
    const { schema } = fc.letrec((tie) => ({
      schema: fc.oneof({ maxDepth: 3, depthIdentifier: 'schema' }, fc.record({ type: typeName }), tie('node')),
      node: fc
        .record(
          {
            type: fc.oneof(typeName, fc.array(typeName, { maxLength: 3 })),
            properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('schema'), { maxKeys: 3 }),
            required: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
            items: fc.oneof(tie('schema'), fc.array(tie('schema'), { maxLength: 2 }), fc.boolean()),
            enum: fc.array(leaf, { maxLength: 4 }),
            const: leaf,
            anyOf: fc.array(tie('schema'), { maxLength: 3 }),
            oneOf: fc.array(tie('schema'), { maxLength: 3 }),
            allOf: fc.array(tie('schema'), { maxLength: 2 }),
            $ref: fc.constantFrom('#', '#/$defs/a', '#/$defs/missing', 'http://x/y'),
            $defs: fc.record({ a: tie('schema') }, { requiredKeys: [] }),
            extra: fc.tuple(keyword, leaf),
          },
          { requiredKeys: [] },
        )
        .map(({ extra, ...rest }) => (extra ? { ...rest, [extra[0]]: extra[1] } : rest)),
    }));
    fc.assert(
      fc.property(schema, (input) => {
        expect(problems(sanitizeGeminiSchema(input))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
