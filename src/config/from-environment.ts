// A config built from the provider credentials found in the environment, for `switchyard serve` and
// `switchyard exec` without --config. The document refers to secrets as ${VAR}, never by value, so
// printing it (as `serve` does, to show what it built) cannot leak a key.
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from './load-config.js';
import type { SwitchyardConfig } from './schema.js';

type Environment = Record<string, string | undefined>;

/** A provider found in the environment: where its credentials came from, for the printed summary. */
export interface EnvironmentProvider {
  family: 'claude' | 'gpt' | 'gemini';
  name: 'anthropic' | 'bedrock' | 'vertex' | 'openai' | 'gemini';
  credentials: string;
}

export interface EnvironmentConfig {
  /** The document as written, secrets as ${VAR}: safe to print or save as switchyard.yaml. */
  document: Record<string, unknown>;
  config: SwitchyardConfig;
  providers: EnvironmentProvider[];
}

export interface EnvironmentConfigOptions {
  host?: string;
  port?: number;
  /** `false` keeps no history (exec's one-job gateway); default: the SQLite file of the schema. */
  store?: false;
}

/** The two tiers Claude clients ask for; every family that is present serves both. */
interface Tier {
  route: string;
  aliases: string[];
  anthropic: string;
  /** Bedrock's cross-region inference profile id without its geography prefix. */
  bedrock: string;
  vertex: string;
  openai: string;
  gemini: string;
}

const tiers: Tier[] = [
  {
    route: 'claude-sonnet-4-6',
    // Claude Code's `sonnet` and `opus` and the dated ids SDK users pin.
    aliases: [
      'sonnet',
      'opus',
      'claude-sonnet-5-5',
      'claude-opus-5-5',
      'claude-opus-4-6',
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
    ],
    anthropic: 'claude-sonnet-4-6',
    bedrock: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    vertex: 'claude-sonnet-4-5@20250929',
    openai: 'gpt-5',
    gemini: 'gemini-2.5-pro',
  },
  {
    route: 'claude-haiku-4-5',
    // Claude Code's small fast model (titles, summaries) asks for a haiku.
    aliases: ['haiku', 'claude-haiku-5-5', 'claude-haiku-4-5-20251001'],
    anthropic: 'claude-haiku-4-5',
    bedrock: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    vertex: 'claude-haiku-4-5@20251001',
    openai: 'gpt-5-mini',
    gemini: 'gemini-2.5-flash',
  },
];

/** `${NAME}`: the loader fills it from the environment, and the printed document shows only the name. */
function reference(name: string): string {
  return `\${${name}}`;
}

function present(env: Environment, name: string): boolean {
  const value = env[name];
  return value !== undefined && value.trim() !== '';
}

function firstPresent(env: Environment, names: string[]): string | undefined {
  return names.find((name) => present(env, name));
}

/** Bedrock's cross-region inference profiles are named by geography (us., eu., apac.). */
function bedrockGeography(region: string): string {
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'us';
}

/** An upstream base URL override (a corporate proxy, or the simulator in tests). */
function baseUrlOverride(env: Environment, name: string): { baseUrl?: string } {
  const variable = `SWITCHYARD_${name}_BASE_URL`;
  return present(env, variable) ? { baseUrl: reference(variable) } : {};
}

interface Found {
  provider: EnvironmentProvider;
  deployment(tier: Tier, tierIndex: number): Record<string, unknown>;
}

function findAnthropic(env: Environment): Found | undefined {
  if (!present(env, 'ANTHROPIC_API_KEY')) return undefined;
  return {
    provider: { family: 'claude', name: 'anthropic', credentials: 'ANTHROPIC_API_KEY' },
    deployment: (tier) => ({
      id: `anthropic-${tier.anthropic}`,
      provider: 'anthropic',
      model: tier.anthropic,
      apiKey: reference('ANTHROPIC_API_KEY'),
      ...baseUrlOverride(env, 'ANTHROPIC'),
      domains: ['anthropic-model-layer', 'anthropic-api'],
    }),
  };
}

function findBedrock(env: Environment): Found | undefined {
  const credentials =
    firstPresent(env, ['AWS_BEARER_TOKEN_BEDROCK', 'AWS_ACCESS_KEY_ID', 'AWS_PROFILE']) ??
    (present(env, 'CLAUDE_CODE_USE_BEDROCK') ? 'CLAUDE_CODE_USE_BEDROCK' : undefined);
  if (!credentials) return undefined;
  const regionVariable = firstPresent(env, ['AWS_REGION', 'AWS_DEFAULT_REGION']);
  const region = regionVariable ? (env[regionVariable] as string).trim() : 'us-east-1';
  const auth =
    credentials === 'AWS_BEARER_TOKEN_BEDROCK'
      ? { apiKey: reference('AWS_BEARER_TOKEN_BEDROCK') }
      : credentials === 'AWS_PROFILE'
        ? { awsProfile: reference('AWS_PROFILE') }
        : {};
  return {
    provider: { family: 'claude', name: 'bedrock', credentials: `${credentials} (${region})` },
    deployment: (tier, tierIndex) => ({
      id: `bedrock-${tierIndex === 0 ? 'claude-sonnet' : 'claude-haiku'}`,
      provider: 'bedrock',
      model: `${bedrockGeography(region)}.${tier.bedrock}`,
      region,
      ...auth,
      ...baseUrlOverride(env, 'BEDROCK'),
      domains: ['anthropic-model-layer', `aws-${region}`],
    }),
  };
}

function findVertex(env: Environment): Found | undefined {
  const projectVariable = firstPresent(env, ['ANTHROPIC_VERTEX_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT']);
  // A project alone is common on developer machines; Vertex needs credentials or an explicit opt-in.
  const credentials = firstPresent(env, ['GOOGLE_APPLICATION_CREDENTIALS', 'CLAUDE_CODE_USE_VERTEX']);
  if (!projectVariable || !credentials) return undefined;
  const region = present(env, 'CLOUD_ML_REGION') ? (env.CLOUD_ML_REGION as string).trim() : 'us-east5';
  return {
    provider: { family: 'claude', name: 'vertex', credentials: `${projectVariable}, ${credentials} (${region})` },
    deployment: (tier, tierIndex) => ({
      id: `vertex-${tierIndex === 0 ? 'claude-sonnet' : 'claude-haiku'}`,
      provider: 'vertex',
      model: tier.vertex,
      region,
      project: reference(projectVariable),
      ...(credentials === 'GOOGLE_APPLICATION_CREDENTIALS'
        ? { credentialsFile: reference('GOOGLE_APPLICATION_CREDENTIALS') }
        : {}),
      ...baseUrlOverride(env, 'VERTEX'),
      domains: ['anthropic-model-layer', `gcp-${region}`],
    }),
  };
}

function findOpenAi(env: Environment): Found | undefined {
  if (!present(env, 'OPENAI_API_KEY')) return undefined;
  return {
    provider: { family: 'gpt', name: 'openai', credentials: 'OPENAI_API_KEY' },
    deployment: (tier) => ({
      id: `openai-${tier.openai}`,
      provider: 'openai',
      model: tier.openai,
      apiKey: reference('OPENAI_API_KEY'),
      ...baseUrlOverride(env, 'OPENAI'),
      domains: ['openai'],
    }),
  };
}

function findGemini(env: Environment): Found | undefined {
  const variable = firstPresent(env, ['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
  if (!variable) return undefined;
  return {
    provider: { family: 'gemini', name: 'gemini', credentials: variable },
    deployment: (tier) => ({
      id: `gemini-${tier.gemini}`,
      provider: 'gemini',
      model: tier.gemini,
      apiKey: reference(variable),
      ...baseUrlOverride(env, 'GEMINI'),
      domains: ['google'],
    }),
  };
}

export const environmentVariablesRead = [
  'ANTHROPIC_API_KEY',
  'AWS_BEARER_TOKEN_BEDROCK',
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_REGION',
  'CLAUDE_CODE_USE_BEDROCK',
  'ANTHROPIC_VERTEX_PROJECT_ID',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUD_ML_REGION',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
] as const;

/**
 * Claude first (Anthropic's API, then Bedrock, then Vertex: the same model family, so a failure of one
 * platform fails over without changing the answerer), then the other families as cross-family
 * fallbacks. Non-Claude clients get a route named after their own family's model, served by it first.
 */
export function configFromEnvironment(
  env: Environment = process.env,
  options: EnvironmentConfigOptions = {},
): EnvironmentConfig {
  const found = [findAnthropic(env), findBedrock(env), findVertex(env), findOpenAi(env), findGemini(env)].filter(
    (item): item is Found => item !== undefined,
  );
  if (found.length === 0) {
    throw new ConfigError([
      `(environment): no provider credentials found; set one of ${environmentVariablesRead
        .filter((name) => name.endsWith('_KEY') || name.endsWith('_TOKEN_BEDROCK'))
        .join(', ')}, or pass --config`,
    ]);
  }
  const deployments = tiers.flatMap((tier, tierIndex) => found.map((item) => item.deployment(tier, tierIndex)));
  const idsOf = (tierIndex: number, families: EnvironmentProvider['family'][]): string[] =>
    families.flatMap((family) =>
      found
        .filter((item) => item.provider.family === family)
        .map((item) => String(item.deployment(tiers[tierIndex] as Tier, tierIndex).id)),
    );
  const routes: Array<Record<string, unknown>> = tiers.map((tier, tierIndex) => ({
    name: tier.route,
    aliases: tier.aliases,
    deployments: idsOf(tierIndex, ['claude', 'gpt', 'gemini']),
  }));
  const families = new Set(found.map((item) => item.provider.family));
  tiers.forEach((tier, tierIndex) => {
    if (families.has('gpt')) {
      routes.push({ name: tier.openai, aliases: [], deployments: idsOf(tierIndex, ['gpt', 'claude', 'gemini']) });
    }
    if (families.has('gemini')) {
      routes.push({ name: tier.gemini, aliases: [], deployments: idsOf(tierIndex, ['gemini', 'claude', 'gpt']) });
    }
  });
  const document: Record<string, unknown> = {
    server: { host: options.host ?? '127.0.0.1', port: options.port ?? 7300 },
    deployments,
    routes,
    ...(options.store === false ? { store: false } : {}),
  };
  return { document, config: parseConfig(document, env), providers: found.map((item) => item.provider) };
}

/** The built config as YAML, with a comment naming where each provider's credentials came from. */
export function describeEnvironmentConfig(built: EnvironmentConfig): string {
  const sources = built.providers.map((provider) => `#   ${provider.name}: ${provider.credentials}`).join('\n');
  return `# built from the environment (no --config):\n${sources}\n${stringify(built.document)}`;
}
