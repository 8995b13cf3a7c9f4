// Request bodies, headers and addresses the Vertex dialect tests send to the simulator.

export const bearer = { 'content-type': 'application/json', authorization: 'Bearer ya29.simulated-access-token' };
export const userText = 'Tell me about lighthouses';

export function vertexClaudeUrl(
  simulatorUrl: string,
  method: string,
  model = 'claude-sonnet-4-5@20250929',
  version = 'v1',
  name = 'vertex-claude',
): string {
  return `${simulatorUrl}/u/${name}/${version}/projects/my-project/locations/us-east5/publishers/anthropic/models/${model}:${method}`;
}

export function vertexGeminiUrl(simulatorUrl: string, method: string, name = 'vertex-gemini', version = 'v1'): string {
  return `${simulatorUrl}/u/${name}/${version}/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:${method}`;
}

export function rawPredictBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anthropic_version: 'vertex-2023-10-16',
    max_tokens: 256,
    messages: [{ role: 'user', content: userText }],
    ...overrides,
  };
}

export function geminiBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text: userText }] }], ...overrides };
}
