// The environment `switchyard exec` gives its command: every client that reads a base URL from the
// environment talks to the in-process gateway. Claude Code's cloud modes read their own variables,
// and skip their cloud auth because the gateway holds the credentials.
export type Environment = Record<string, string | undefined>;

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function childEnvironment(parent: Environment, gatewayUrl: string): Environment {
  const env: Environment = {
    ...parent,
    ANTHROPIC_BASE_URL: gatewayUrl,
    OPENAI_BASE_URL: `${gatewayUrl}/v1`,
    SWITCHYARD_URL: gatewayUrl,
  };
  // Clients refuse to start without some key; the gateway uses its own provider credentials.
  if (!env.ANTHROPIC_API_KEY && !env.ANTHROPIC_AUTH_TOKEN) env.ANTHROPIC_API_KEY = 'switchyard-exec';
  if (!env.OPENAI_API_KEY) env.OPENAI_API_KEY = 'switchyard-exec';
  if (isSet(parent.CLAUDE_CODE_USE_BEDROCK)) {
    env.ANTHROPIC_BEDROCK_BASE_URL = gatewayUrl;
    env.CLAUDE_CODE_SKIP_BEDROCK_AUTH = '1';
    env.AWS_REGION ??= 'us-east-1';
  }
  if (isSet(parent.CLAUDE_CODE_USE_VERTEX)) {
    env.ANTHROPIC_VERTEX_BASE_URL = `${gatewayUrl}/v1`;
    env.CLAUDE_CODE_SKIP_VERTEX_AUTH = '1';
    env.ANTHROPIC_VERTEX_PROJECT_ID ??= 'switchyard';
    env.CLOUD_ML_REGION ??= 'us-east5';
  }
  return env;
}
