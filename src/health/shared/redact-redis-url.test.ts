import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from './redact-redis-url.js';

describe('redactRedisUrl', () => {
  it('replaces a password, keeping host, port, user and database', () => {
    expect(redactRedisUrl('redis://:hunter2@cache.internal:6380/2')).toBe('redis://:***@cache.internal:6380/2');
    expect(redactRedisUrl('rediss://gateway:s3cr%40t@cache:6379')).toBe('rediss://gateway:***@cache:6379');
  });

  it('treats a lone user name as a password (how older clients read it)', () => {
    expect(redactRedisUrl('redis://hunter2@cache:6379')).toBe('redis://***@cache:6379');
  });

  it('replaces password-like query parameters', () => {
    const redacted = redactRedisUrl('redis://cache:6379?password=hunter2&family=6');
    expect(redacted).not.toContain('hunter2');
    expect(redacted).toContain('family=6');
  });

  it('leaves a URL without credentials as it is, and never echoes an unparsable one', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('cache:6379')).toBe('redis://cache:6379');
    expect(redactRedisUrl('redis://:hunter2@[bad')).toBe('(unparsable Redis URL)');
  });
});
