import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/load-config.js';
import { describeCliError } from './cli-error.js';

describe('describeCliError', () => {
  it('prints a problem with the input as one line, never a stack trace, even with SWITCHYARD_DEBUG', () => {
    const config = new ConfigError(['a.yaml: deployments[0].model: Required', 'a.yaml: routes: Required']);
    expect(describeCliError(config, { SWITCHYARD_DEBUG: '1' })).toBe(
      'a.yaml: deployments[0].model: Required; a.yaml: routes: Required',
    );
    expect(describeCliError(new Error('server: cannot listen on\n127.0.0.1:80 (EACCES)'), {})).toBe(
      'server: cannot listen on 127.0.0.1:80 (EACCES)',
    );
  });

  it('marks a bug as internal on one line, and adds its stack trace only with SWITCHYARD_DEBUG=1', () => {
    let bug: unknown;
    try {
      (undefined as unknown as { deployments: string[] }).deployments.push('x');
    } catch (error) {
      bug = error;
    }
    const quiet = describeCliError(bug, {});
    expect(quiet.split('\n')).toHaveLength(1);
    expect(quiet).toMatch(
      /^Cannot read properties of undefined .*\(an internal error: SWITCHYARD_DEBUG=1 prints its stack trace\)$/,
    );
    const debug = describeCliError(bug, { SWITCHYARD_DEBUG: '1' }).split('\n');
    expect(debug[0]).toMatch(/\(an internal error\)$/);
    expect(debug.slice(1).join('\n')).toMatch(/\n\s+at .*cli-error\.test\.ts:\d+/);
  });
});
