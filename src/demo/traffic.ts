// Steady demo traffic through the official Anthropic SDK: streaming and non-streaming requests
// alternate, and every answer is attributed to the deployment that served it.
import Anthropic from '@anthropic-ai/sdk';

export interface TrafficTally {
  sent: number;
  succeeded: number;
  failed: number;
  failovers: number;
  streamed: number;
  perDeployment: Map<string, number>;
  latenciesMs: number[];
  lastError?: string;
}

export function emptyTally(): TrafficTally {
  return { sent: 0, succeeded: 0, failed: 0, failovers: 0, streamed: 0, perDeployment: new Map(), latenciesMs: [] };
}

export interface TrafficOptions {
  baseURL: string;
  model: string;
  primary: string;
  concurrency: number;
  /** Pause between a worker's requests. */
  pauseMs: number;
  signal: AbortSignal;
  tally: () => TrafficTally;
}

const prompts = [
  'Summarise the incident in one line.',
  'Name three colours.',
  'What is a failure domain?',
  'Say hello.',
];

async function oneRequest(client: Anthropic, options: TrafficOptions, sequence: number): Promise<void> {
  const tally = options.tally();
  const started = performance.now();
  const streaming = sequence % 2 === 0;
  tally.sent += 1;
  try {
    const body = {
      model: options.model,
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: prompts[sequence % prompts.length]! }],
    };
    let response: Response;
    if (streaming) {
      const stream = client.messages.stream(body);
      const { response: raw } = await stream.withResponse();
      response = raw;
      await stream.finalMessage();
    } else {
      const { response: raw } = await client.messages.create(body).withResponse();
      response = raw;
    }
    if (streaming) tally.streamed += 1;
    const deployment = response.headers.get('x-switchyard-deployment') ?? 'unknown';
    const attempts = Number.parseInt(response.headers.get('x-switchyard-attempts') ?? '1', 10);
    // Counted in the phase the request was sent in, so that each phase's figures add up.
    tally.succeeded += 1;
    tally.perDeployment.set(deployment, (tally.perDeployment.get(deployment) ?? 0) + 1);
    if (deployment !== options.primary || attempts > 1) tally.failovers += 1;
    tally.latenciesMs.push(performance.now() - started);
  } catch (error) {
    tally.failed += 1;
    tally.lastError = error instanceof Error ? error.message.slice(0, 160) : String(error);
  }
}

/** Runs `concurrency` workers until the signal aborts. */
export async function driveTraffic(options: TrafficOptions): Promise<void> {
  // No SDK retries: what the client sees is what Switchyard gave it.
  const client = new Anthropic({ baseURL: options.baseURL, apiKey: 'demo-client-key', maxRetries: 0, timeout: 60_000 });
  let sequence = 0;
  const worker = async () => {
    while (!options.signal.aborted) {
      await oneRequest(client, options, sequence++);
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}
