// CanonicalRequest → the body of POST /v1/messages (docs/protocols/ §1.2, §6.1, §6.5).
// Two paths: a client that already spoke Anthropic gets its own body forwarded (zero loss: fields we
// do not model, such as context_management, output_config or server tools, survive); any other client
// gets a body converted from the canonical request.
import type {
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  CanonicalToolChoice,
  TextPart,
  ThinkingConfig,
} from '../../canonical/request.js';
import type {
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequestBody,
  AnthropicTextBlockParam,
  AnthropicThinkingConfig,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-api.js';
import { forwardedText } from '../relay/edit-json-fields.js';
import { convertCacheControl, convertContentPart, convertTextPart } from './convert-content.js';

/** max_tokens is required by Anthropic; OpenAI clients usually leave it out. */
export const defaultMaxTokens = 4096;

/**
 * True when the client's own body can be forwarded. A body without `messages` is not a Messages
 * request (a synthetic probe, a request built in code): the canonical request is then the truth.
 */
export function canForwardOriginal(request: CanonicalRequest): boolean {
  return request.original.format === 'anthropic-messages' && Array.isArray(request.original.body.messages);
}

/**
 * The same-format path: the client's body with only `model` and `stream` set by us, where they differ
 * from what the client sent (the text sent keeps the client's bytes for every other field).
 */
export function forwardOriginalBody(request: CanonicalRequest, model: string): Record<string, unknown> {
  const body = request.original.body;
  const forwarded: Record<string, unknown> = { ...body, model };
  if ((body.stream ?? false) !== request.stream) forwarded.stream = request.stream;
  return forwarded;
}

/** The bytes of an Anthropic body: the client's own text, edited (edit-json-fields.ts), when it was forwarded. */
export function anthropicBodyText(request: CanonicalRequest, body: Record<string, unknown>): string {
  return canForwardOriginal(request) ? forwardedText(request.original, body) : JSON.stringify(body);
}

function convertSystem(parts: TextPart[]): AnthropicTextBlockParam[] {
  return parts.map(convertTextPart).filter((block) => block !== undefined);
}

/**
 * Builds alternating user/assistant turns. Mid-conversation system messages are hoisted into the
 * top-level `system` (returned separately) rather than sent as `role: "system"` or folded into a user
 * turn: they keep system authority, older APIs and clones that only know user/assistant accept them,
 * they cannot break the "tool results first" rule of a user turn, and being appended after the
 * client's system blocks they leave an existing cache breakpoint's prefix unchanged.
 */
export function convertMessages(messages: CanonicalMessage[]): {
  messages: AnthropicMessageParam[];
  hoistedSystem: TextPart[];
} {
  const converted: AnthropicMessageParam[] = [];
  const hoistedSystem: TextPart[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      for (const part of message.content) if (part.type === 'text') hoistedSystem.push(part);
      continue;
    }
    const blocks = message.content.map(convertContentPart).filter((block) => block !== undefined);
    if (blocks.length === 0) continue;
    const previous = converted.at(-1);
    // Same-role runs (two OpenAI user messages, or turns that met after a system turn was hoisted) merge.
    if (previous !== undefined && previous.role === message.role) previous.content.push(...blocks);
    else converted.push({ role: message.role, content: blocks });
  }
  for (const message of converted) if (message.role === 'user') message.content = toolResultsFirst(message.content);
  return { messages: converted, hoistedSystem };
}

/** Anthropic wants tool results first in the user turn that follows a tool_use turn. */
function toolResultsFirst(blocks: AnthropicContentBlockParam[]): AnthropicContentBlockParam[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== 'tool_result')];
}

function convertTool(tool: CanonicalTool): AnthropicTool {
  // input_schema must be an object schema; a tool without parameters arrives as {} from OpenAI clients.
  // `strict` is not sent: it is newer-only and older APIs reject unknown tool fields with a 400.
  const converted: AnthropicTool = { name: tool.name, input_schema: { type: 'object', ...tool.inputSchema } };
  if (tool.description !== undefined) converted.description = tool.description;
  const cacheControl = convertCacheControl(tool.cacheControl);
  if (cacheControl !== undefined) converted.cache_control = cacheControl;
  return converted;
}

function convertToolChoice(choice: CanonicalToolChoice): AnthropicToolChoice {
  if (choice.type === 'none') return { type: 'none' };
  const parallel = choice.disableParallel === undefined ? {} : { disable_parallel_tool_use: choice.disableParallel };
  if (choice.type === 'tool') return { type: 'tool', name: choice.name, ...parallel };
  return { type: choice.type, ...parallel };
}

function convertThinking(thinking: ThinkingConfig): AnthropicThinkingConfig {
  if (thinking.type === 'enabled') return { type: 'enabled', budget_tokens: thinking.budgetTokens };
  return { type: thinking.type };
}

/**
 * Whether thinking can be sent at all. Anthropic rejects it with a forced tool choice, and when the
 * last assistant turn calls a tool without starting with a thinking block (a history produced by
 * another model, whose reasoning was dropped): docs/protocols/translation.md §6.5 says to turn thinking off then.
 */
function thinkingAllowed(messages: AnthropicMessageParam[], toolChoice: CanonicalToolChoice | undefined): boolean {
  if (toolChoice?.type === 'any' || toolChoice?.type === 'tool') return false;
  const lastAssistant = messages.findLast((message) => message.role === 'assistant');
  if (lastAssistant === undefined || !lastAssistant.content.some((block) => block.type === 'tool_use')) return true;
  const first = lastAssistant.content[0]?.type;
  return first === 'thinking' || first === 'redacted_thinking';
}

/**
 * The cross-format path. Dropped on purpose: `reasoningEffort` (output_config.effort is newer-only and
 * model-specific), `responseFormat` (output_config.format exists only on newer APIs and models; an
 * older upstream would answer 400, which never fails over, so a JSON-mode request gets a plain answer
 * instead), `includeUsage` (Anthropic always reports usage).
 */
export function convertToAnthropicBody(request: CanonicalRequest, model: string): AnthropicMessagesRequestBody {
  const { messages, hoistedSystem } = convertMessages(request.messages);
  const thinking =
    request.thinking !== undefined &&
    request.thinking.type !== 'disabled' &&
    thinkingAllowed(messages, request.toolChoice)
      ? request.thinking
      : undefined;
  // budget_tokens must stay below max_tokens; only our own default is ours to raise.
  const maxTokens =
    request.maxTokens ?? (thinking?.type === 'enabled' ? thinking.budgetTokens + defaultMaxTokens : defaultMaxTokens);

  const body: AnthropicMessagesRequestBody = { model, max_tokens: maxTokens, messages, stream: request.stream };
  const system = convertSystem([...request.system, ...hoistedSystem]);
  if (system.length > 0) body.system = system;
  if (thinking !== undefined) {
    body.thinking = convertThinking(thinking);
    // With thinking on, Anthropic rejects temperature and top_k changes and a top_p below 0.95.
    if (request.topP !== undefined && request.topP >= 0.95) body.top_p = Math.min(request.topP, 1);
  } else {
    if (request.temperature !== undefined) body.temperature = Math.min(Math.max(request.temperature, 0), 1);
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.topK !== undefined) body.top_k = request.topK;
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    body.stop_sequences = request.stopSequences;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(convertTool);
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.userId !== undefined) body.metadata = { user_id: request.userId };
  return body;
}

/** The body to send for this request, on whichever path applies. */
export function buildAnthropicBody(request: CanonicalRequest, model: string): Record<string, unknown> {
  if (canForwardOriginal(request)) return forwardOriginalBody(request, model);
  return { ...convertToAnthropicBody(request, model) };
}
