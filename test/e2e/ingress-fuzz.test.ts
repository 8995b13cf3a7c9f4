// Property-based fuzz of both ingresses (fast-check): generated bodies (arbitrary JSON, near-valid
// requests with hostile fields, deep nesting, huge strings) and generated headers, over real sockets
// to a listening gateway. Every answer is below 500 and, when an error, in the client's own format;
// afterwards the process still serves and its heap has not grown without bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { startHarness, type Harness } from './harness.js';

let harness: Harness;
let port: number;

beforeAll(async () => {
  harness = await startHarness({ bodyLimitBytes: 256 * 1024 });
  port = harness.gateway.port;
});
afterAll(async () => harness.close());

interface Answer {
  status: number;
  body: string;
}

/** A raw request: undici and the SDKs would refuse some of the headers the fuzz sends. */
function send(path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Deeply nested JSON as text (building it as objects would overflow this test's own stack). */
function nested(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

const role = fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer'), fc.string());
const content = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(
    fc.oneof(
      fc.record({ type: fc.constant('text'), text: fc.oneof(fc.string(), fc.integer()) }),
      fc.record({ type: fc.constant('tool_use'), id: fc.string(), name: fc.string(), input: fc.jsonValue() }),
      fc.record({ type: fc.constant('image'), source: fc.jsonValue() }),
      fc.jsonValue(),
    ),
    { maxLength: 4 },
  ),
  fc.jsonValue(),
);
const message = fc.record({ role, content }, { requiredKeys: [] });
const requestLike = fc.record(
  {
    model: fc.oneof(fc.constantFrom('sonnet', 'only-gpt', 'claude-sonnet-4-6'), fc.string(), fc.integer()),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string(), fc.double()),
    messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.jsonValue()),
    stream: fc.oneof(fc.boolean(), fc.string()),
    tools: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.jsonValue()),
    temperature: fc.oneof(fc.double(), fc.string()),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 4, arbitrary: requestLike.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 500, max: 20_000 })
      .map(
        (depth) =>
          `{"model":"sonnet","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":${nested(depth)}}]}]}`,
      ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 200_000, max: 400_000 }).map((size) => `{"model":"${'m'.repeat(size)}"}`) },
);
const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/xml',
      '',
    ),
    'anthropic-version': fc.oneof(fc.constant('2023-06-01'), headerValue),
    'anthropic-beta': headerValue,
    'x-api-key': headerValue,
    extra: fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
  },
  { requiredKeys: ['content-type'] },
);

function isClientFormatError(path: string, answer: Answer): boolean {
  const parsed = JSON.parse(answer.body) as Record<string, any>;
  if (path.includes('chat/completions'))
    return typeof parsed.error?.message === 'string' && typeof parsed.error?.type === 'string';
  return parsed.type === 'error' && typeof parsed.error?.type === 'string' && typeof parsed.error?.message === 'string';
}

function shortReport<Value>(details: fc.RunDetails<Value>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample ?? null);
  throw new Error(
    `fuzz failed after ${details.numRuns} runs: ${String(details.errorInstance).slice(0, 600)}; input ${example.slice(0, 400)}`,
  );
}

describe('ingress fuzz', () => {
  it('answers 2,000+ generated requests on both ingresses without a 5xx, errors in the client format', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/messages', '/v1/chat/completions'),
        body,
        headers,
        async (path, text, generated) => {
          const { extra, ...named } = generated;
          const sentHeaders: Record<string, string> = { ...extra };
          for (const [name, value] of Object.entries(named))
            if (typeof value === 'string' && value !== '') sentHeaders[name] = value;
          const answer = await send(path, sentHeaders, text);
          sent += 1;
          expect(answer.status, answer.body.slice(0, 300)).toBeLessThan(500);
          if (answer.status >= 400) expect(isClientFormatError(path, answer), answer.body.slice(0, 300)).toBe(true);
        },
      ),
      // Counterexamples can be megabytes of nesting: report them short.
      { numRuns: 2_100, seed: 20261207, includeErrorInReport: false, reporter: shortReport },
    );
    expect(sent).toBeGreaterThanOrEqual(2_000);
    // Still alive and serving.
    const alive = await send(
      '/v1/messages',
      { 'content-type': 'application/json' },
      JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(alive.status).toBe(200);
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  }, 180_000);
});
