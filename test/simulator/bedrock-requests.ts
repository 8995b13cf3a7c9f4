// Request bodies and addresses the Bedrock dialect tests send to the simulator.
import { claudeOnBedrock } from './cloud-client.js';

/** The Bedrock operation's address on a simulated upstream (model id percent-encoded, as the SDK sends it). */
export function bedrockOperationUrl(
  simulatorUrl: string,
  operation: string,
  model = claudeOnBedrock,
  name = 'bedrock-a',
): URL {
  return new URL(`${simulatorUrl}/u/${name}/model/${encodeURIComponent(model)}/${operation}`);
}

export const userText = 'Tell me about lighthouses';

export function converseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messages: [{ role: 'user', content: [{ text: userText }] }],
    inferenceConfig: { maxTokens: 256 },
    ...overrides,
  };
}

export function invokeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 256,
    messages: [{ role: 'user', content: userText }],
    ...overrides,
  };
}
