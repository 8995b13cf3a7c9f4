// Reads an Anthropic Messages body into the neutral request the reply generator answers. Shared
// by every dialect that carries this body: the Messages API itself, Bedrock InvokeModel (no
// `model`, anthropic_version in the body) and Vertex rawPredict (the same, another version).
import {
  estimateTokens,
  type LastTurn,
  type SimulatedRequest,
  type SimulatedTool,
  type SimulatedToolChoice,
} from '../reply-generator.js';
import { isRecord } from '../../util/wire-values.js';
import { deferredToolsOf } from '../deferred-tools.js';

export interface CheckedAnthropicBody {
  body: Record<string, unknown>;
  messages: unknown[];
}

export interface AnthropicBodyRules {
  /** The Messages API wants `model` in the body; Bedrock and Vertex take it from the path. */
  requireModel: boolean;
  requireMaxTokens: boolean;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const block of content) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
  }
  return texts.join('\n');
}

/** Characters of everything that costs input tokens: system, message content, tool definitions. */
function inputCharacters(body: Record<string, unknown>, messages: unknown[]): number {
  let characters = textOf(body.system).length;
  for (const message of messages) {
    if (!isRecord(message)) continue;
    const content = message.content;
    if (typeof content === 'string') {
      characters += content.length;
      continue;
    }
    if (!Array.isArray(content)) continue;
    for (const block of content) {
      if (!isRecord(block)) continue;
      if (typeof block.text === 'string') characters += block.text.length;
      else if (block.type === 'tool_result') characters += textOf(block.content).length;
      else if (block.type === 'tool_use') characters += JSON.stringify(block.input ?? {}).length;
      else if (typeof block.thinking === 'string') characters += block.thinking.length;
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) characters += JSON.stringify(body.tools).length;
  return characters;
}

function toolNameFor(messages: unknown[], before: number, toolUseId: unknown): string | undefined {
  for (let index = before - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (isRecord(block) && block.type === 'tool_use' && block.id === toolUseId && typeof block.name === 'string')
        return block.name;
    }
  }
  return undefined;
}

function lastTurnOf(messages: unknown[]): LastTurn {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (!isRecord(message) || message.role === 'system') continue;
    if (message.role !== 'user') return { kind: 'other' };
    const content = message.content;
    if (Array.isArray(content)) {
      const result = content.find((block) => isRecord(block) && block.type === 'tool_result');
      if (isRecord(result)) {
        return {
          kind: 'tool-result',
          toolName: toolNameFor(messages, index, result.tool_use_id),
          text: textOf(result.content),
        };
      }
    }
    return { kind: 'user-text', text: textOf(content) };
  }
  return { kind: 'other' };
}

function toolsOf(body: Record<string, unknown>): SimulatedTool[] {
  if (!Array.isArray(body.tools)) return [];
  const tools: SimulatedTool[] = [];
  for (const tool of body.tools) {
    // Server tools (web_search_…, bash_…) carry a versioned type and are run by the provider, not the client.
    if (isRecord(tool) && typeof tool.name === 'string' && (tool.type === undefined || tool.type === 'custom')) {
      tools.push({ name: tool.name, inputSchema: tool.input_schema });
    }
  }
  return tools;
}

function toolChoiceOf(body: Record<string, unknown>): SimulatedToolChoice {
  const choice = body.tool_choice;
  if (!isRecord(choice)) return { type: 'auto' };
  if (choice.type === 'none' || choice.type === 'any') return { type: choice.type };
  if (choice.type === 'tool' && typeof choice.name === 'string') return { type: 'tool', name: choice.name };
  return { type: 'auto' };
}

/** Checks the fields the Messages API requires; `problem` is the API's own message for the first one missing. */
export function checkAnthropicBody(
  value: unknown,
  invalid: boolean,
  rules: AnthropicBodyRules,
): CheckedAnthropicBody | { problem: string } {
  if (invalid || !isRecord(value))
    return { problem: 'There was an error parsing the body of your request. Please send a valid JSON object.' };
  const body = value;
  if (rules.requireModel && (typeof body.model !== 'string' || body.model.length === 0))
    return { problem: 'model: Field required' };
  if (rules.requireMaxTokens) {
    if (body.max_tokens === undefined) return { problem: 'max_tokens: Field required' };
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
      return { problem: 'max_tokens: Input should be a valid integer greater than or equal to 1' };
    }
  }
  if (body.messages === undefined) return { problem: 'messages: Field required' };
  if (!Array.isArray(body.messages)) return { problem: 'messages: Input should be a valid list' };
  if (body.messages.length === 0) return { problem: 'messages: at least one message is required' };
  const badId = badToolUseId(body.messages);
  if (badId !== undefined) return { problem: badId };
  return { body, messages: body.messages };
}

const toolUseIdPattern = /^[a-zA-Z0-9_-]+$/;

/** The API's message for the first tool_use id (or tool_result tool_use_id) outside its pattern. */
function badToolUseId(messages: unknown[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const [blockIndex, block] of message.content.entries()) {
      if (!isRecord(block)) continue;
      const [field, id] =
        block.type === 'tool_use' ? ['tool_use.id', block.id] : ['tool_result.tool_use_id', block.tool_use_id];
      if (typeof id === 'string' && !toolUseIdPattern.test(id))
        return `messages.${index}.content.${blockIndex}.${field}: String should match pattern '^[a-zA-Z0-9_-]+$'`;
    }
  }
  return undefined;
}

export function anthropicInputTokens(checked: CheckedAnthropicBody): number {
  return estimateTokens(inputCharacters(checked.body, checked.messages));
}

export function anthropicSimulatedRequest(
  checked: CheckedAnthropicBody,
  model: string,
  stream: boolean,
): SimulatedRequest {
  const { body, messages } = checked;
  return {
    model,
    stream,
    maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    stopSequences: Array.isArray(body.stop_sequences)
      ? body.stop_sequences.filter((entry): entry is string => typeof entry === 'string')
      : [],
    tools: toolsOf(body),
    toolChoice: toolChoiceOf(body),
    lastTurn: lastTurnOf(messages),
    inputTokens: anthropicInputTokens(checked),
    deferredTools: deferredToolsOf(messages),
  };
}
