// Small HTTP helpers for the simulator tests: raw requests through undici, so the tests see the
// exact status, headers and bytes the simulator sends.
import { request } from 'undici';
import { readSseEvents, type SseEvent } from '../../src/transport/sse.js';

export const anthropicHeaders = {
  'content-type': 'application/json',
  'x-api-key': 'sk-ant-simulator-test',
  'anthropic-version': '2023-06-01',
};

export const openaiHeaders = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-simulator-test',
};

export interface JsonReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

export interface SseReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: SseEvent[];
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<JsonReply> {
  const response = await request(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, json: JSON.parse(text) };
}

export async function postSse(url: string, body: unknown, headers: Record<string, string>): Promise<SseReply> {
  const response = await request(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(response.body)) events.push(event);
  return { status: response.statusCode, headers: response.headers, events };
}

/** Posts and reads whatever arrives until the connection ends or fails; never throws on a broken body. */
export async function postRaw(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; failure?: unknown }> {
  const response = await request(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const chunks: Buffer[] = [];
  let failure: unknown;
  try {
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
  } catch (error) {
    failure = error;
  }
  return { status: response.statusCode, text: Buffer.concat(chunks).toString('utf8'), failure };
}

export async function control(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const response = await request(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.statusCode, json: await response.body.json() };
}

export function anthropicBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Tell me about lighthouses' }],
    ...overrides,
  };
}

export function openaiBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Tell me about lighthouses' }], ...overrides };
}

/** A user turn that asks for a tool by name: the simulator, like a model, calls a tool only when asked. */
export function askFor(toolName: string): Array<{ role: 'user'; content: string }> {
  return [{ role: 'user', content: `Use ${toolName} for Oslo, please` }];
}

export const weatherToolSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    days: { type: 'integer' },
    units: { type: 'string', enum: ['metric', 'imperial'] },
    note: { type: 'string' },
  },
  required: ['city', 'days', 'units'],
};
