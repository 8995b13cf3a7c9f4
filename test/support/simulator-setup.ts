// What end-to-end tests share about the simulator: its control API, deployments on its upstreams
// (`claude-a` speaking Anthropic, `gpt-b` speaking OpenAI, Claude first-party and on Bedrock, …) and its AWS keys.

import { simulatorAwsCredentials } from '../../src/simulator/simulator.js';

/** Calls the simulator's control API (faults, status pages, stats). */
export function simulatorControl(simulatorUrl: string) {
  return (method: string, path: string, body?: unknown) =>
    fetch(`${simulatorUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/** A deployment config on the simulated upstream of the same name, with a key only the simulator sees. */
export function simulatedDeployment(
  simulatorUrl: string,
  id: string,
  provider: 'anthropic' | 'openai',
  domains: string[],
): Record<string, unknown> {
  return provider === 'anthropic'
    ? { id, provider, model: 'claude-sonnet-4-6', baseUrl: `${simulatorUrl}/u/${id}`, apiKey: 'sim-key', domains }
    : { id, provider, model: 'gpt-5', baseUrl: `${simulatorUrl}/u/${id}/v1`, apiKey: 'sim-key', domains };
}

/**
 * Clears the simulator's faults and brings the deployments back to healthy (isolate, then release), so
 * each test starts from a healthy fleet: what one test left waiting (a hedge's loser is evidence until a
 * later attempt answers) must not make a deployment suspect in the next.
 */
export async function resetFaultsAndHealth(simulatorUrl: string, gatewayUrl: string, ids: readonly string[]) {
  await simulatorControl(simulatorUrl)('DELETE', '/_sim/faults');
  for (const id of ids) {
    await fetch(`${gatewayUrl}/admin/deployments/${id}/isolate`, { method: 'POST' });
    await fetch(`${gatewayUrl}/admin/deployments/${id}/release`, { method: 'POST' });
  }
}

/** The Bedrock adapter finds these through the standard AWS credential chain (environment first). */
export function useSimulatorAwsCredentials(): void {
  delete process.env.AWS_BEARER_TOKEN_BEDROCK;
  process.env.AWS_ACCESS_KEY_ID = simulatorAwsCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = simulatorAwsCredentials.secretAccessKey;
}

/** Claude twice on the simulator: first-party (`claude-direct`) and on Bedrock through a US inference profile (`claude-bedrock`). */
export function claudeDirectAndBedrock(simulatorUrl: string): [Record<string, unknown>, Record<string, unknown>] {
  return [
    {
      id: 'claude-direct',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      baseUrl: `${simulatorUrl}/u/claude-direct`,
      apiKey: 'sim-key',
    },
    {
      id: 'claude-bedrock',
      provider: 'bedrock',
      region: 'us-east-1',
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      baseUrl: `${simulatorUrl}/u/claude-bedrock`,
    },
  ];
}
