// An isolate reason is stored, alerted and shown, so its length is bounded: beyond 500 characters (or
// not a string) the call is refused with 400 in the admin error shape and nothing is isolated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyedGateway, type KeyedGateway } from './keyed-gateway.js';

let keyed: KeyedGateway;
beforeAll(async () => {
  keyed = await startKeyedGateway();
});
afterAll(async () => keyed.close());

function isolate(body: unknown) {
  return fetch(`${keyed.gateway.url}/admin/deployments/claude-a/isolate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keyed.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('isolate reason', () => {
  it('refuses a reason longer than 500 characters or not a string, and accepts 500', async () => {
    const long = await isolate({ reason: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({
      error: { type: 'invalid_request_error', message: 'reason: at most 500 characters, got 501' },
    });
    const wrongType = await isolate({ reason: 42 });
    expect(wrongType.status).toBe(400);
    expect(keyed.gateway.tracker?.snapshot().deployments.find((item) => item.id === 'claude-a')?.state).toBe('healthy');
    const fine = await isolate({ reason: 'y'.repeat(500) });
    expect(fine.status).toBe(200);
    expect(await fine.json()).toMatchObject({ id: 'claude-a', state: 'isolated', reason: 'y'.repeat(500) });
  });
});
