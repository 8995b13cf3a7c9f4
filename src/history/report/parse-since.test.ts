// `--since` and `--format` as typed on the command line or in the admin API's query string.
import { describe, expect, it } from 'vitest';
import { parseReportFormat, parseSince, ReportArgumentError } from './parse-since.js';
import { formatLead, formatPercent } from './report-numbers.js';

const now = Date.UTC(2026, 0, 31, 12, 0, 0);

describe('parseSince', () => {
  it('reads durations back from now', () => {
    expect(parseSince('24h', now)).toBe(now - 24 * 3_600_000);
    expect(parseSince('90m', now)).toBe(now - 90 * 60_000);
    expect(parseSince('7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseSince('30s', now)).toBe(now - 30_000);
    expect(parseSince('2w', now)).toBe(now - 14 * 86_400_000);
    expect(parseSince(' 1.5h ', now)).toBe(now - 5_400_000);
  });

  it('reads ISO dates and times', () => {
    expect(parseSince('2026-01-30', now)).toBe(Date.UTC(2026, 0, 30));
    expect(parseSince('2026-01-31T08:00:00Z', now)).toBe(Date.UTC(2026, 0, 31, 8));
    expect(parseSince('2026-01-31T08:00:00.000+02:00', now)).toBe(Date.UTC(2026, 0, 31, 6));
  });

  it('refuses anything else, and dates not in the past, saying what it takes', () => {
    for (const text of ['', 'yesterday', '24', '0h', '-5m', '24 hours', '1700000000000', '2026-13-45']) {
      expect(() => parseSince(text, now), text).toThrow(ReportArgumentError);
    }
    expect(() => parseSince('tomorrow', now)).toThrow(/duration \(24h, 90m, 7d\) or an ISO date/);
    expect(() => parseSince('2026-02-01', now)).toThrow(/not in the past/);
  });
});

describe('parseReportFormat', () => {
  it('takes table, json and markdown', () => {
    expect(['table', 'JSON', 'markdown'].map(parseReportFormat)).toEqual(['table', 'json', 'markdown']);
    expect(() => parseReportFormat('csv')).toThrow('--format takes table, json, markdown, not "csv"');
  });
});

describe('report numbers', () => {
  it('rounds success rates down, so only a perfect rate reads 100.0%', () => {
    expect([0.918, 0.995, 1, 0.99999, 699 / 700, 0, null].map(formatPercent)).toEqual([
      '91.8%',
      '99.5%',
      '100.0%',
      '99.9%',
      '99.8%',
      '0.0%',
      'n/a',
    ]);
  });

  it('signs the lead over the status page', () => {
    expect([117_000, -25_000, 0, null].map(formatLead)).toEqual(['+1 min 57 s', '-25 s', '+0 s', '-']);
  });
});
