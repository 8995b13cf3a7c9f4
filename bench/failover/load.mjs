// Constant-rate client load: one Anthropic Messages request every 1/rate seconds (not a closed loop,
// so a slow gateway does not slow the load down), alternating streaming and non-streaming and, with
// several gateways, alternating between them. Each request records when it started and ended, whether
// the client got a complete answer, and which deployment served it.
import { Agent, request } from 'undici';

const prompts = [
  'Summarise the incident in one line.',
  'Name three colours of a railway signal.',
  'What is a failure domain?',
];
const headers = {
  'content-type': 'application/json',
  'x-api-key': 'bench-client-key',
  'anthropic-version': '2023-06-01',
};
const clientTimeoutMs = 30_000;

/** A stream is complete when it carries message_stop and no error event. */
function streamComplete(text) {
  const events = new Set([...text.matchAll(/^event: *(\S+)/gm)].map((match) => match[1]));
  return events.has('message_stop') && !events.has('error');
}

function messageComplete(text) {
  try {
    const body = JSON.parse(text);
    return body.type === 'message' && typeof body.stop_reason === 'string';
  } catch {
    return false;
  }
}

async function send(agent, target, model, sequence, replicas) {
  const replica = sequence % replicas;
  // Stream or not alternates per replica, so that each replica sees the same mix.
  const stream = Math.floor(sequence / replicas) % 2 === 1;
  const record = {
    sequence,
    replica,
    stream,
    start: performance.now(),
    end: 0,
    headersAt: 0,
    ok: false,
    status: 0,
    deployment: null,
    attempts: 0,
    error: null,
  };
  try {
    const response = await request(`${target}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model,
        max_tokens: 64,
        stream,
        messages: [{ role: 'user', content: prompts[sequence % prompts.length] }],
      }),
      dispatcher: agent,
      headersTimeout: clientTimeoutMs,
      bodyTimeout: clientTimeoutMs,
    });
    // Headers leave with the first content (the gateway holds a stream until then): time to first token.
    record.headersAt = performance.now();
    record.status = response.statusCode;
    record.deployment = response.headers['x-switchyard-deployment'] ?? null;
    record.attempts = Number(response.headers['x-switchyard-attempts'] ?? 0);
    const text = await response.body.text();
    record.ok = response.statusCode === 200 && (stream ? streamComplete(text) : messageComplete(text));
    if (!record.ok) record.error = `HTTP ${response.statusCode}: ${text.replace(/\s+/g, ' ').slice(0, 160)}`;
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  }
  record.end = performance.now();
  return record;
}

/** Starts the load; `stop()` stops sending and resolves with every record once in-flight requests end. */
export function startLoad({ targets, rate, model }) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 512 });
  const records = [];
  const inFlight = new Set();
  const intervalMs = 1000 / rate;
  const startedAt = performance.now();
  let sequence = 0;
  let timer;
  let stopped = false;

  const fire = () => {
    if (stopped) return;
    // Catch up when the timer fired late: the rate is a schedule, not a pause between requests.
    while (startedAt + sequence * intervalMs <= performance.now()) {
      const current = sequence++;
      const pending = send(agent, targets[current % targets.length], model, current, targets.length).then((record) => {
        records.push(record);
        inFlight.delete(pending);
      });
      inFlight.add(pending);
    }
    timer = setTimeout(fire, Math.max(0, startedAt + sequence * intervalMs - performance.now()));
  };
  fire();

  return {
    records,
    get sent() {
      return sequence;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
      await agent.close();
      return records.sort((a, b) => a.sequence - b.sequence);
    },
  };
}
