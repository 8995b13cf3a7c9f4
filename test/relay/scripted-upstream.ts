// A loopback upstream that answers with fixed bytes (relay-fixtures.ts) in each provider's framing:
// Anthropic and Vertex rawPredict (JSON / SSE), Bedrock InvokeModel (JSON / AWS event-stream chunk
// frames) and Chat Completions (JSON / SSE). The user's words pick the answer: "fail" → an error
// answer, "cut" → content then an in-band error, "unterminated" → no message_stop / [DONE],
// "garbled" → one unparseable event in the middle. It records what it was sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeEventStreamMessage } from '../../src/transport/aws-event-stream.js';
import * as fixtures from './relay-fixtures.js';

export interface ScriptedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The body's bytes as they arrived. */
  text: string;
}

export interface ScriptedUpstream {
  url: string;
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

export const upstreamHeaders = {
  'request-id': 'req_011UpstreamOwn',
  'anthropic-ratelimit-requests-remaining': '49',
  'x-ratelimit-remaining-tokens': '9000',
  'x-should-not-pass': 'internal',
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function mode(body: Record<string, unknown>): string {
  const text = JSON.stringify(body.messages ?? '');
  for (const word of ['fail', 'cut', 'unterminated', 'garbled']) if (text.includes(word)) return word;
  return 'ok';
}

function anthropicStream(which: string): string {
  if (which === 'cut')
    return fixtures.anthropicSse.split('event: content_block_stop')[0] + fixtures.anthropicMidStreamError;
  if (which === 'unterminated')
    return fixtures.anthropicSse.replace('event: message_stop\ndata: {"type":"message_stop"}\n\n', '');
  if (which === 'garbled')
    return fixtures.anthropicSse.replace('event: ping', 'event: content_block_delta\ndata: {not json\n\nevent: ping');
  return fixtures.anthropicSse;
}

function openAIStream(which: string): string {
  if (which === 'unterminated') return fixtures.openAISse.replace('data: [DONE]\n\n', '');
  if (which === 'garbled') return fixtures.openAISse.replace('data: ', 'data: {"id": broken\n\ndata: ');
  return fixtures.openAISse;
}

function chunkFrame(json: string): Uint8Array {
  const payload = JSON.stringify({ bytes: Buffer.from(json, 'utf8').toString('base64'), p: 'abcd' });
  return encodeEventStreamMessage({
    headers: {
      ':event-type': { type: 'string', value: 'chunk' },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new TextEncoder().encode(payload),
  });
}

function answer(response: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  response.writeHead(status, { 'content-type': contentType, ...upstreamHeaders });
  response.end(body);
}

function serve(path: string, body: Record<string, unknown>, response: ServerResponse): void {
  const which = mode(body);
  const isOpenAI = path.includes('/chat/completions');
  if (which === 'fail') {
    if (isOpenAI) return answer(response, fixtures.openAIErrorStatus, 'application/json', fixtures.openAIErrorJson);
    return answer(response, fixtures.anthropicErrorStatus, 'application/json', fixtures.anthropicErrorJson);
  }
  if (path.includes('/invoke-with-response-stream')) {
    const frames = fixtures.anthropicEventData.map(chunkFrame);
    return answer(response, 200, 'application/vnd.amazon.eventstream', Buffer.concat(frames));
  }
  if (path.endsWith('/invoke')) return answer(response, 200, 'application/json', fixtures.anthropicMessageJson);
  const streamed = body.stream === true || path.includes(':streamRawPredict');
  if (isOpenAI) {
    return streamed
      ? answer(response, 200, 'text/event-stream', openAIStream(which))
      : answer(response, 200, 'application/json', fixtures.openAICompletionJson);
  }
  return streamed
    ? answer(response, 200, 'text/event-stream', anthropicStream(which))
    : answer(response, 200, 'application/json', fixtures.anthropicMessageJson);
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const requests: ScriptedRequest[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const path = request.url ?? '';
      if (path.endsWith('/v1/token')) {
        // The OAuth token endpoint Vertex deployments exchange their workload-identity token at.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            access_token: 'ya29.relay-test',
            issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            token_type: 'Bearer',
            expires_in: 3600,
          }),
        );
        return;
      }
      const body = text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {};
      requests.push({ path, headers: request.headers, body, text });
      serve(path, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
