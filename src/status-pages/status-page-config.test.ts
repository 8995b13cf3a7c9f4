// The statusPages section: the fixed keys, defaults, and the summary URL built from the page's base.
import { describe, expect, it } from 'vitest';
import { statusPagesSchema, summaryUrlOf } from './status-page-config.js';

describe('statusPagesSchema', () => {
  it('reads the documented shape with defaults, a single target reading as a list', () => {
    const pages = statusPagesSchema.parse([
      {
        name: 'anthropic',
        url: 'https://status.claude.com',
        components: { rwppv331jlwc: ['claude-direct', 'claude-bedrock'], k8w3r06qmzrp: 'anthropic-model-layer' },
      },
    ]);
    expect(pages).toEqual([
      {
        name: 'anthropic',
        url: 'https://status.claude.com',
        components: { rwppv331jlwc: ['claude-direct', 'claude-bedrock'], k8w3r06qmzrp: ['anthropic-model-layer'] },
        intervalMs: 60_000,
        timeoutMs: 10_000,
      },
    ]);
    expect(statusPagesSchema.parse(undefined)).toEqual([]);
  });

  it('rejects unknown keys, bad URLs, empty mappings, too-fast polling and duplicate names', () => {
    const base = { name: 'anthropic', url: 'https://status.claude.com', components: { a: ['x'] } };
    for (const page of [
      { ...base, extra: true },
      { ...base, url: 'ftp://status.claude.com' },
      { ...base, components: { a: [] } },
      { ...base, intervalMs: 10 },
      { ...base, name: 'has space' },
    ]) {
      expect(statusPagesSchema.safeParse([page]).success, JSON.stringify(page)).toBe(false);
    }
    const duplicate = statusPagesSchema.safeParse([base, base]);
    expect(duplicate.success).toBe(false);
    expect(duplicate.error?.issues[0]?.message).toContain('configured twice');
  });
});

describe('summaryUrlOf', () => {
  it('appends /api/v2/summary.json to the base, once', () => {
    expect(summaryUrlOf({ url: 'https://status.claude.com' })).toBe('https://status.claude.com/api/v2/summary.json');
    expect(summaryUrlOf({ url: 'http://127.0.0.1:9/status/anthropic/' })).toBe(
      'http://127.0.0.1:9/status/anthropic/api/v2/summary.json',
    );
    expect(summaryUrlOf({ url: 'https://status.claude.com/api/v2/summary.json' })).toBe(
      'https://status.claude.com/api/v2/summary.json',
    );
  });
});
