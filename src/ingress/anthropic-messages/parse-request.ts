// Anthropic Messages request (body + headers) → CanonicalRequest, or a 400 GatewayError that names
// the field at fault. Accepts everything real clients send (docs/protocols/ §1.2, §9): Claude
// Code's role:"system" turns, adaptive thinking, server tools, and fields we do not model.
import type { z } from 'zod';
import type {
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  CanonicalToolChoice,
  ResponseFormat,
  ThinkingConfig,
} from '../../canonical/request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { countTokensRequestSchema, messagesRequestSchema, type AnthropicRequestBody } from './request-schema.js';
import { toCacheControl, toCanonicalContent, toCanonicalSystem } from './to-canonical-content.js';

export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface ParseAnthropicRequestOptions {
  /** The count_tokens body: no `max_tokens` required, never streamed. */
  countTokens?: boolean;
}

export function parseAnthropicRequest(
  body: unknown,
  headers: RequestHeaders,
  options: ParseAnthropicRequestOptions = {},
): CanonicalRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('body', 'expected a JSON object');
  }
  const countTokens = options.countTokens === true;
  const result = (countTokens ? countTokensRequestSchema : messagesRequestSchema).safeParse(body);
  if (!result.success) throw fromIssues(result.error.issues, body);
  const parsed: AnthropicRequestBody = result.data;

  const request: CanonicalRequest = {
    model: parsed.model,
    system: toCanonicalSystem(parsed.system),
    messages: parsed.messages.map(
      (message): CanonicalMessage => ({ role: message.role, content: toCanonicalContent(message.content) }),
    ),
    stream: !countTokens && parsed.stream === true,
    original: { format: 'anthropic-messages', body: body as Record<string, unknown> },
  };
  if (parsed.max_tokens != null) request.maxTokens = parsed.max_tokens;
  if (parsed.temperature != null) request.temperature = parsed.temperature;
  if (parsed.top_p != null) request.topP = parsed.top_p;
  if (parsed.top_k != null) request.topK = parsed.top_k;
  if (parsed.stop_sequences != null) request.stopSequences = parsed.stop_sequences;

  const tools = toCanonicalTools(parsed.tools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = toCanonicalToolChoice(parsed.tool_choice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const thinking = toCanonicalThinking(parsed.thinking);
  if (thinking !== undefined) request.thinking = thinking;

  const outputConfig = parsed.output_config;
  if (outputConfig?.effort != null) request.reasoningEffort = outputConfig.effort;
  const responseFormat = toResponseFormat(outputConfig?.format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  if (parsed.metadata?.user_id != null) request.userId = parsed.metadata.user_id;

  const forwarded = anthropicHeadersOf(headers);
  if (forwarded !== undefined) request.original.anthropicHeaders = forwarded;
  const beta = readHeader(headers, 'anthropic-beta');
  if (beta !== undefined) {
    const flags = splitBetaFlags(beta);
    if (flags.length > 0) request.anthropicBeta = flags;
  }
  const version = readHeader(headers, 'anthropic-version');
  if (version !== undefined) {
    const first = Array.isArray(version) ? version[0] : version;
    if (first !== undefined && first.trim() !== '') request.anthropicVersion = first.trim();
  }
  return request;
}

/** Custom tools only: server tools (versioned `type`) are Anthropic-side and reach it via the original body. */
function toCanonicalTools(tools: AnthropicRequestBody['tools']): CanonicalTool[] | undefined {
  if (tools == null) return undefined;
  const canonical: CanonicalTool[] = [];
  for (const tool of tools) {
    if ('server' in tool) continue;
    const entry: CanonicalTool = { name: tool.name, inputSchema: tool.input_schema };
    if (tool.description != null) entry.description = tool.description;
    if (tool.strict != null) entry.strict = tool.strict;
    const cacheControl = toCacheControl(tool.cache_control);
    if (cacheControl !== undefined) entry.cacheControl = cacheControl;
    canonical.push(entry);
  }
  return canonical.length > 0 ? canonical : undefined;
}

function toCanonicalToolChoice(choice: AnthropicRequestBody['tool_choice']): CanonicalToolChoice | undefined {
  if (choice == null) return undefined;
  if (choice.type === 'none') return { type: 'none' };
  const disableParallel = choice.disable_parallel_tool_use;
  if (choice.type === 'tool') {
    return disableParallel == null
      ? { type: 'tool', name: choice.name }
      : { type: 'tool', name: choice.name, disableParallel };
  }
  return disableParallel == null ? { type: choice.type } : { type: choice.type, disableParallel };
}

function toCanonicalThinking(thinking: AnthropicRequestBody['thinking']): ThinkingConfig | undefined {
  if (thinking == null || 'unknown' in thinking) return undefined;
  if (thinking.type === 'enabled') return { type: 'enabled', budgetTokens: thinking.budget_tokens };
  return { type: thinking.type };
}

function toResponseFormat(
  format: NonNullable<AnthropicRequestBody['output_config']>['format'],
): ResponseFormat | undefined {
  if (format == null) return undefined;
  if (format.type !== 'json_schema') return undefined;
  const responseFormat: ResponseFormat = { type: 'json_schema' };
  if (format.schema != null) responseFormat.schema = format.schema;
  if (format.name != null) responseFormat.name = format.name;
  return responseFormat;
}

function readHeader(headers: RequestHeaders, name: string): string | string[] | undefined {
  const value = headers[name];
  if (value !== undefined) return value;
  // Node lowercases header names; other callers (tests, a proxy) may not.
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function splitBetaFlags(value: string | string[]): string[] {
  const flags: string[] = [];
  for (const line of Array.isArray(value) ? value : [value]) {
    for (const flag of line.split(',')) {
      const trimmed = flag.trim();
      if (trimmed !== '') flags.push(trimmed);
    }
  }
  return flags;
}

/** A 400 naming the field at fault, for every dialect that carries an Anthropic body. */
export function invalidRequest(param: string, message: string): GatewayError {
  return new GatewayError({
    status: 400,
    code: 'SWITCHYARD_INVALID_REQUEST',
    message: `${param}: ${message}`,
    param,
    shouldRetry: false,
  });
}

/** The first issue, phrased for a human ("messages.0.role: expected one of …"), plus how many more. */
function fromIssues(issues: readonly z.core.$ZodIssue[], body: object): GatewayError {
  const first = issues[0];
  if (first === undefined) return invalidRequest('body', 'invalid request');
  const param = first.path.length === 0 ? 'body' : first.path.map(String).join('.');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more ${issues.length === 2 ? 'issue' : 'issues'})` : '';
  return invalidRequest(param, describeIssue(first, valueAt(body, first.path)) + more);
}

/**
 * The value an issue is about, found by walking its path in the body: our schemas never reshape
 * the input before validating it, so the path holds. (zod's `reportInput` would carry it too, but
 * it takes zod off its compiled fast path, which costs ~10× on every request.)
 */
function valueAt(body: object, path: readonly PropertyKey[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type') {
    const expected = friendlyTypeNames[issue.expected] ?? issue.expected;
    if (input === undefined) return `required (expected ${expected})`;
    return `expected ${expected}, received ${describeValueType(input)}`;
  }
  // zod's own prefixes add nothing once the path is in front.
  return issue.message.replace(/^(Invalid (input|option)|Too (small|big)): /, '');
}

const friendlyTypeNames: Record<string, string> = { record: 'object', int: 'integer' };

function describeValueType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'non-integer number';
  return typeof value;
}

/**
 * Every `anthropic-*` header the client sent (anthropic-workspace-id, and whatever comes next), for
 * Anthropic upstreams: forwarded rather than allowlisted. Credentials never start with `anthropic-`.
 */
function anthropicHeadersOf(headers: RequestHeaders): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('anthropic-') || value === undefined) continue;
    found ??= {};
    found[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  return found;
}
