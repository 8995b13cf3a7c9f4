// The config built from environment credentials: which providers are found, their routes and failure
// domains, that no secret is printed, and that the result serves (Claude down → GPT answers).
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { configFromEnvironment, describeEnvironmentConfig } from '../../src/config/from-environment.js';
import { ConfigError } from '../../src/config/load-config.js';
import { startGateway } from '../../src/server/gateway.js';
import { startSimulator } from '../../src/simulator/simulator.js';
import { createLogger } from '../../src/server/logger.js';

// Built at run time so that secret scanners do not flag the test source.
const secret = (name: string) => ['planted', name, 'secret', '7f3a9c'].join('-');

describe('configFromEnvironment', () => {
  it('refuses, in one line naming the variables, when no credentials are present', () => {
    let caught: unknown;
    try {
      configFromEnvironment({ HOME: '/root', PATH: '/bin' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('ANTHROPIC_API_KEY');
    expect(problems[0]).toContain('OPENAI_API_KEY');
    expect(problems[0]).not.toContain('\n');
  });

  it('puts Claude on every platform first, then the other families, in both tiers', () => {
    const built = configFromEnvironment({
      ANTHROPIC_API_KEY: secret('anthropic'),
      AWS_BEARER_TOKEN_BEDROCK: secret('bedrock'),
      AWS_REGION: 'eu-west-1',
      ANTHROPIC_VERTEX_PROJECT_ID: 'acme-ml',
      CLAUDE_CODE_USE_VERTEX: '1',
      CLOUD_ML_REGION: 'europe-west1',
      OPENAI_API_KEY: secret('openai'),
      GEMINI_API_KEY: secret('gemini'),
    });
    expect(built.providers.map((provider) => provider.name)).toEqual([
      'anthropic',
      'bedrock',
      'vertex',
      'openai',
      'gemini',
    ]);
    const routes = new Map(built.config.routes.map((route) => [route.name, route]));
    expect(routes.get('claude-sonnet-4-6')?.deployments).toEqual([
      'anthropic-claude-sonnet-4-6',
      'bedrock-claude-sonnet',
      'vertex-claude-sonnet',
      'openai-gpt-5',
      'gemini-gemini-2.5-pro',
    ]);
    expect(routes.get('claude-sonnet-4-6')?.aliases).toContain('sonnet');
    expect(routes.get('claude-haiku-4-5')?.deployments[0]).toBe('anthropic-claude-haiku-4-5');
    expect(routes.get('claude-haiku-4-5')?.aliases).toContain('haiku');
    expect(routes.get('gpt-5')?.deployments).toEqual([
      'openai-gpt-5',
      'anthropic-claude-sonnet-4-6',
      'bedrock-claude-sonnet',
      'vertex-claude-sonnet',
      'gemini-gemini-2.5-pro',
    ]);
    expect(routes.get('gemini-2.5-flash')?.deployments[0]).toBe('gemini-gemini-2.5-flash');

    const byId = new Map(built.config.deployments.map((deployment) => [deployment.id, deployment]));
    const bedrock = byId.get('bedrock-claude-sonnet');
    expect(bedrock).toMatchObject({ provider: 'bedrock', region: 'eu-west-1', apiKey: secret('bedrock') });
    expect(bedrock?.model.startsWith('eu.anthropic.claude-sonnet')).toBe(true);
    expect(byId.get('vertex-claude-haiku')).toMatchObject({ project: 'acme-ml', region: 'europe-west1' });
    // Claude anywhere shares the model layer; each cloud adds its region's domain.
    expect(byId.get('anthropic-claude-sonnet-4-6')?.domains).toContain('anthropic-model-layer');
    expect(bedrock?.domains).toEqual(['anthropic-model-layer', 'aws-eu-west-1']);
    expect(byId.get('vertex-claude-sonnet')?.domains).toEqual(['anthropic-model-layer', 'gcp-europe-west1']);
    expect(byId.get('openai-gpt-5')?.domains).toEqual(['openai']);
    expect(byId.get('gemini-gemini-2.5-pro')?.domains).toEqual(['google']);
  });

  it('prints what it built with every secret as ${VAR}, never its value', () => {
    const env = {
      ANTHROPIC_API_KEY: secret('anthropic'),
      AWS_BEARER_TOKEN_BEDROCK: secret('bedrock'),
      OPENAI_API_KEY: secret('openai'),
      GOOGLE_API_KEY: secret('google'),
    };
    const printed = describeEnvironmentConfig(configFromEnvironment(env));
    for (const value of Object.values(env)) expect(printed).not.toContain(value);
    expect(printed).toContain('${ANTHROPIC_API_KEY}');
    expect(printed).toContain('${GOOGLE_API_KEY}');
    expect(printed).toContain('bedrock: AWS_BEARER_TOKEN_BEDROCK (us-east-1)');
  });

  it('uses the AWS credential chain and needs Vertex credentials, not a bare project id', () => {
    const built = configFromEnvironment({ AWS_PROFILE: 'prod', GOOGLE_CLOUD_PROJECT: 'acme' });
    expect(built.providers.map((provider) => provider.name)).toEqual(['bedrock']);
    expect(built.config.deployments[0]).toMatchObject({ awsProfile: 'prod', region: 'us-east-1' });
    expect(built.config.deployments[0]?.apiKey).toBeUndefined();
  });

  it('serves Claude clients through GPT when only an OpenAI key is present', () => {
    const built = configFromEnvironment({ OPENAI_API_KEY: secret('openai') }, { store: false, port: 0 });
    const claude = built.config.routes.find((route) => route.name === 'claude-sonnet-4-6');
    expect(claude?.deployments).toEqual(['openai-gpt-5']);
    expect(built.config.store).toBe(false);
  });

  it('fails a Claude outage over to GPT through the gateway it configures', async () => {
    const simulator = await startSimulator({ port: 0, seed: 1 });
    const built = configFromEnvironment(
      {
        ANTHROPIC_API_KEY: secret('anthropic'),
        OPENAI_API_KEY: secret('openai'),
        SWITCHYARD_ANTHROPIC_BASE_URL: `${simulator.url}/u/anthropic`,
        SWITCHYARD_OPENAI_BASE_URL: `${simulator.url}/u/openai/v1`,
      },
      { store: false, port: 0 },
    );
    const gateway = await startGateway({ config: built.config, port: 0, logger: createLogger('silent') });
    try {
      await fetch(`${simulator.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ target: 'anthropic', kind: 'error', status: 529 }),
      });
      const client = new Anthropic({ baseURL: gateway.url, apiKey: 'client', maxRetries: 0 });
      const { data, response } = await client.messages
        .create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();
      expect(data.content[0]?.type).toBe('text');
      expect(response.headers.get('x-switchyard-deployment')).toBe('openai-gpt-5');
    } finally {
      await gateway.close();
      await simulator.close();
    }
  });
});

describe('switchyard --help and --version', () => {
  it('exit 0 with the usage and the package version', async () => {
    const { main } = await import('../../src/cli/main.js');
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await main(['--help'])).toBe(0);
      expect(await main(['--version'])).toBe(0);
    } finally {
      process.stdout.write = original;
    }
    expect(written[0]).toContain('usage: switchyard');
    expect(written[1]).toMatch(/^switchyard \d+\.\d+\.\d+\n$/);
  });
});
