// Bedrock error classification (docs/protocols/bedrock.md §3.7): every error fixture, the AWS SDK's
// x-amzn-ErrorType parsing rules, and the exception frames of a stream.
import { describe, expect, it } from 'vitest';
import { bedrockErrorFixtures, bedrockFixtureText } from '../../../test/fixtures/bedrock/load-fixtures.js';
import { bedrockStreamError, parseBedrockError, sanitizeErrorCode } from './bedrock-error.js';

describe('parseBedrockError', () => {
  it.each(bedrockErrorFixtures)('classifies $file as $kind', (fixture) => {
    const error = parseBedrockError(
      fixture.status,
      fixture.headers ?? {},
      bedrockFixtureText(`errors/${fixture.file}`),
    );
    expect(error.kind).toBe(fixture.kind);
    expect(error.status).toBe(fixture.status);
    expect(error.providerCode).toBe(fixture.providerCode);
    expect(error.message.length).toBeLessThanOrEqual(400);
  });

  it('keeps the message (either spelling) and the request id, and gives throttling no retry-after of its own', () => {
    const throttled = parseBedrockError(
      429,
      { 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': 'req-1' },
      bedrockFixtureText('errors/throttling-429.json'),
    );
    expect(throttled.message).toBe(
      'bedrock 429 ThrottlingException: Too many requests, please wait before trying again. (request req-1)',
    );
    expect(throttled.retryAfterMs).toBeUndefined();
    const denied = parseBedrockError(
      403,
      { 'x-amzn-errortype': 'AccessDeniedException' },
      bedrockFixtureText('errors/access-denied-403.json'),
    );
    expect(denied.message).toContain('is not authorized to perform');
  });

  it('reads a retry-after header when something in front of Bedrock sends one', () => {
    expect(parseBedrockError(503, { 'retry-after': '2' }, '{"message":"busy"}').retryAfterMs).toBe(2000);
  });

  it('falls back to the status for unknown exceptions', () => {
    expect(parseBedrockError(500, { 'x-amzn-errortype': 'SomethingNewException' }, '{}').kind).toBe('server');
    expect(parseBedrockError(418, {}, 'teapot').kind).toBe('invalid-request');
  });
});

describe('sanitizeErrorCode', () => {
  it.each([
    ['ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/', 'ThrottlingException'],
    ['com.amazon.coral.service#ValidationException', 'ValidationException'],
    ['aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/', 'FooError'],
    ['ThrottlingException,ServiceUnavailableException', 'ThrottlingException'],
    ['ModelTimeoutException', 'ModelTimeoutException'],
  ])('%s → %s', (raw, expected) => {
    expect(sanitizeErrorCode(raw)).toBe(expected);
  });
});

describe('bedrockStreamError', () => {
  it.each([
    ['throttlingException', 'rate-limited'],
    ['serviceUnavailableException', 'overloaded'],
    ['internalServerException', 'server'],
    ['modelStreamErrorException', 'stream-interrupted'],
    ['modelTimeoutException', 'timeout'],
    ['validationException', 'invalid-request'],
  ] as const)('%s → %s', (code, kind) => {
    const error = bedrockStreamError(code, '{"message":"details"}');
    expect(error.kind).toBe(kind);
    expect(error.status).toBeUndefined();
  });

  it('classifies a mid-stream context-length validation error as context-length', () => {
    expect(bedrockStreamError('validationException', '{"message":"Input is too long for requested model."}').kind).toBe(
      'context-length',
    );
  });
});

describe('ValidationException refinements', () => {
  it.each([
    [
      'input length and `max_tokens` exceed context limit: 197626 + 21333 > 200000, decrease input length or `max_tokens` and try again',
      'context-length',
    ],
    [
      'max_tokens: 64000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-20241022',
      'unsupported-feature',
    ],
    [
      "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again.",
      'unsupported-feature',
    ],
    // CountTokens for a model that cannot count: another deployment may, and this one is not broken.
    ["The provided model doesn't support counting tokens.", 'unsupported-feature'],
    ['The provided model identifier is invalid.', 'not-found'],
    [
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
      'invalid-request',
    ],
  ] as const)('%s → %s', (message, kind) => {
    expect(
      parseBedrockError(400, { 'x-amzn-errortype': 'ValidationException' }, JSON.stringify({ message })).kind,
    ).toBe(kind);
  });
});
