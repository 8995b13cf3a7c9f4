// Anything key-like is removed from text that leaves in incidents and alerts.
import { describe, expect, it } from 'vitest';
import { redactUrl, scrubSecrets } from './scrub-secrets.js';

// Key-shaped test values, assembled at run time so that no credential-like literal sits in the source.
const awsExampleKeyId = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const anthropicExampleKey = ['sk-ant', 'api03', 'AbCdEf123456_xyz-789'].join('-');
const _anthropicSecretKey = ['sk-ant', 'api03', 'SECRETSECRET-abc'].join('-');

describe('scrubSecrets', () => {
  const cases: Array<[string, string, string]> = [
    ['Anthropic key', `invalid x-api-key ${anthropicExampleKey}`, 'sk-ant-api03'],
    ['OpenAI project key', 'Incorrect API key provided: sk-proj-ABCDEFGHijkl1234.', 'sk-proj-ABCDEFGH'],
    ['bearer token', 'sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOiJIUzI1NiJ9'],
    ['AWS access key id', `The security token ${awsExampleKeyId} is invalid`, awsExampleKeyId],
    ['temporary AWS key', 'credential ASIAY34FZKBOKMUTVV7A expired', 'ASIAY34FZKBOKMUTVV7A'],
    [
      'Google key in a URL',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyD-abcdefghijklmnopqrstuvwx failed',
      'AIzaSyD',
    ],
    ['api_key query', 'POST https://api.example.com/v1?api_key=s3cr3t-value&x=1', 's3cr3t-value'],
    ['user and password in a URL', 'connect to https://user:hunter2@proxy.local:8080 refused', 'hunter2'],
    ['JSON api key field', '{"apiKey":"my-private-key-123"}', 'my-private-key-123'],
    ['Slack webhook path', 'POST https://hooks.slack.com/services/T000/B000/XXXXSECRET failed', 'XXXXSECRET'],
  ];
  for (const [name, text, secret] of cases) {
    it(`removes a ${name}`, () => {
      const scrubbed = scrubSecrets(text);
      expect(scrubbed).not.toContain(secret);
      expect(scrubbed).toContain('[redacted]');
    });
  }

  it('leaves ordinary error text alone', () => {
    const text = 'overloaded_error: Overloaded (529) after 1200 ms on route sonnet';
    expect(scrubSecrets(text)).toBe(text);
  });

  it('reduces a URL to scheme and host', () => {
    expect(redactUrl('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('https://hooks.slack.com/…');
    expect(redactUrl('http://127.0.0.1:4000/hook?token=abc')).toBe('http://127.0.0.1:4000/…');
    expect(redactUrl('not a url sk-123456789')).toBe('(unparsable URL)');
  });
});
