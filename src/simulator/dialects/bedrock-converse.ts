// Bedrock Converse on the simulator (docs/protocols/bedrock.md §3.2, §3.3): reads a Converse request
// into the neutral request, with the checks Bedrock makes before a model sees it (a conversation
// starts with the user and alternates, tool blocks need a toolConfig, names and ids match Bedrock's
// patterns), and renders the reply as the Converse JSON or as ConverseStream events.
import {
  estimateTokens,
  type LastTurn,
  type SimulatedReply,
  type SimulatedRequest,
  type SimulatedStopReason,
  type SimulatedTool,
  type SimulatedToolChoice,
} from '../reply-generator.js';
import type { StreamFrame } from './dialect.js';
import { eventFrame } from './bedrock-event-stream.js';
import { isRecord } from '../../util/wire-values.js';

const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
const toolUseIdPattern = /^[a-zA-Z0-9_.:-]{1,64}$/;

const stopReasons: Record<SimulatedStopReason, string> = {
  'end-turn': 'end_turn',
  'tool-use': 'tool_use',
  'max-tokens': 'max_tokens',
  'stop-sequence': 'stop_sequence',
};

export function bedrockToolUseId(callKey: string): string {
  return `tooluse_sim_${callKey}`;
}

/** The simulator does not time itself; a stable estimate keeps every answer reproducible. */
export function estimatedLatencyMs(outputTokens: number): number {
  return 100 + outputTokens * 10;
}

function contentOf(message: unknown): unknown[] {
  return isRecord(message) && Array.isArray(message.content) ? message.content : [];
}

/** Text of a toolResult's content: its text members, and its json members as JSON. */
function toolResultText(result: Record<string, unknown>): string {
  const texts: string[] = [];
  if (Array.isArray(result.content)) {
    for (const item of result.content) {
      if (!isRecord(item)) continue;
      if (typeof item.text === 'string') texts.push(item.text);
      else if (item.json !== undefined) texts.push(JSON.stringify(item.json));
    }
  }
  return texts.join('\n');
}

function blockTexts(content: unknown[]): string {
  const texts: string[] = [];
  for (const block of content) if (isRecord(block) && typeof block.text === 'string') texts.push(block.text);
  return texts.join('\n');
}

function toolNameFor(messages: unknown[], before: number, toolUseId: unknown): string | undefined {
  for (let index = before - 1; index >= 0; index -= 1) {
    for (const block of contentOf(messages[index])) {
      if (
        isRecord(block) &&
        isRecord(block.toolUse) &&
        block.toolUse.toolUseId === toolUseId &&
        typeof block.toolUse.name === 'string'
      ) {
        return block.toolUse.name;
      }
    }
  }
  return undefined;
}

function lastTurnOf(messages: unknown[]): LastTurn {
  const index = messages.length - 1;
  const last = messages[index];
  if (!isRecord(last) || last.role !== 'user') return { kind: 'other' };
  const content = contentOf(last);
  const result = content.find((block) => isRecord(block) && isRecord(block.toolResult));
  if (isRecord(result) && isRecord(result.toolResult)) {
    return {
      kind: 'tool-result',
      toolName: toolNameFor(messages, index, result.toolResult.toolUseId),
      text: toolResultText(result.toolResult),
    };
  }
  return { kind: 'user-text', text: blockTexts(content) };
}

function inputCharacters(body: Record<string, unknown>, messages: unknown[]): number {
  let characters = Array.isArray(body.system) ? blockTexts(body.system).length : 0;
  for (const message of messages) {
    for (const block of contentOf(message)) {
      if (!isRecord(block)) continue;
      if (typeof block.text === 'string') characters += block.text.length;
      else if (isRecord(block.toolResult)) characters += toolResultText(block.toolResult).length;
      else if (isRecord(block.toolUse)) characters += JSON.stringify(block.toolUse.input ?? {}).length;
      else if (isRecord(block.reasoningContent) && isRecord(block.reasoningContent.reasoningText)) {
        characters += String(block.reasoningContent.reasoningText.text ?? '').length;
      }
    }
  }
  const tools = isRecord(body.toolConfig) ? body.toolConfig.tools : undefined;
  if (Array.isArray(tools) && tools.length > 0) characters += JSON.stringify(tools).length;
  return characters;
}

function toolsOf(toolConfig: Record<string, unknown>): SimulatedTool[] | string {
  const tools: SimulatedTool[] = [];
  const entries = Array.isArray(toolConfig.tools) ? toolConfig.tools : [];
  for (const [index, entry] of entries.entries()) {
    if (!isRecord(entry) || !isRecord(entry.toolSpec)) continue; // cachePoint entries
    const name = entry.toolSpec.name;
    if (typeof name !== 'string' || !toolNamePattern.test(name)) {
      return `1 validation error detected: Value '${String(name)}' at 'toolConfig.tools.${index + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`;
    }
    const schema = isRecord(entry.toolSpec.inputSchema) ? entry.toolSpec.inputSchema.json : undefined;
    tools.push({ name, inputSchema: schema });
  }
  return tools;
}

function toolChoiceOf(toolConfig: Record<string, unknown>): SimulatedToolChoice {
  const choice = toolConfig.toolChoice;
  if (!isRecord(choice)) return { type: 'auto' };
  if (isRecord(choice.any)) return { type: 'any' };
  if (isRecord(choice.tool) && typeof choice.tool.name === 'string') return { type: 'tool', name: choice.tool.name };
  return { type: 'auto' };
}

/** The first thing Bedrock would refuse in the conversation itself, if any. */
function conversationProblem(messages: unknown[], hasToolConfig: boolean): string | undefined {
  let previousRole: unknown;
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return `1 validation error detected: Value at 'messages.${index + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`;
    }
    if (index === 0 && message.role !== 'user') {
      return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    }
    if (message.role === previousRole) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    previousRole = message.role;
    const content = contentOf(message);
    if (content.length === 0) {
      return `The content field in the Message object at messages.${index}.content is empty. Add a ContentBlock object to the content field and try again.`;
    }
    for (const block of content) {
      if (!isRecord(block)) continue;
      const toolBlock = isRecord(block.toolUse)
        ? block.toolUse
        : isRecord(block.toolResult)
          ? block.toolResult
          : undefined;
      if (!toolBlock) continue;
      if (!hasToolConfig)
        return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
      if (typeof toolBlock.toolUseId !== 'string' || !toolUseIdPattern.test(toolBlock.toolUseId)) {
        return `1 validation error detected: Value '${String(toolBlock.toolUseId)}' at 'messages.${index + 1}.member.content' failed to satisfy constraint: toolUseId must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+`;
      }
    }
  }
  return undefined;
}

/** A Converse body as the neutral request, or Bedrock's ValidationException message. */
export function parseConverseRequest(
  value: unknown,
  invalid: boolean,
  model: string,
  stream: boolean,
): SimulatedRequest | { problem: string } {
  if (invalid || !isRecord(value))
    return { problem: 'Malformed input request, please reformat your input and try again.' };
  const body = value;
  if (!Array.isArray(body.messages)) {
    return {
      problem:
        "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
    };
  }
  const messages = body.messages;
  if (messages.length === 0) {
    return {
      problem:
        'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    };
  }
  const toolConfig = isRecord(body.toolConfig) ? body.toolConfig : undefined;
  const problem = conversationProblem(messages, toolConfig !== undefined);
  if (problem) return { problem };
  const inference = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
  const maxTokens = inference.maxTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    return {
      problem: `1 validation error detected: Value '${String(maxTokens)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    };
  }
  const tools = toolConfig ? toolsOf(toolConfig) : [];
  if (typeof tools === 'string') return { problem: tools };
  return {
    model,
    stream,
    maxTokens: maxTokens as number | undefined,
    stopSequences: Array.isArray(inference.stopSequences)
      ? inference.stopSequences.filter((entry): entry is string => typeof entry === 'string')
      : [],
    tools,
    toolChoice: toolConfig ? toolChoiceOf(toolConfig) : { type: 'auto' },
    lastTurn: lastTurnOf(messages),
    inputTokens: estimateTokens(inputCharacters(body, messages)),
  };
}

function usage(reply: SimulatedReply) {
  return {
    inputTokens: reply.inputTokens,
    outputTokens: reply.outputTokens,
    totalTokens: reply.inputTokens + reply.outputTokens,
  };
}

export function converseResponseBody(reply: SimulatedReply): Record<string, unknown> {
  const content = reply.blocks.map((block) =>
    block.type === 'text'
      ? { text: block.text }
      : { toolUse: { toolUseId: bedrockToolUseId(block.callKey), name: block.name, input: block.input } },
  );
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReasons[reply.stopReason],
    usage: usage(reply),
    metrics: { latencyMs: estimatedLatencyMs(reply.outputTokens) },
  };
}

/** ConverseStream: messageStart, per block (contentBlockStart for tool use only) deltas and a stop, messageStop, metadata. */
export function converseStreamFrames(reply: SimulatedReply): StreamFrame[] {
  const frames: StreamFrame[] = [eventFrame('messageStart', { role: 'assistant' })];
  reply.blocks.forEach((block, contentBlockIndex) => {
    if (block.type === 'text') {
      // There is no text variant of contentBlockStart: a text block begins with its first delta.
      if (block.pieces.length === 0)
        frames.push(eventFrame('contentBlockDelta', { contentBlockIndex, delta: { text: '' } }));
      for (const piece of block.pieces)
        frames.push(eventFrame('contentBlockDelta', { contentBlockIndex, delta: { text: piece } }, 1));
    } else {
      frames.push(
        eventFrame('contentBlockStart', {
          contentBlockIndex,
          start: { toolUse: { toolUseId: bedrockToolUseId(block.callKey), name: block.name } },
        }),
      );
      for (const piece of block.pieces)
        frames.push(eventFrame('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: piece } } }, 1));
    }
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex }));
  });
  frames.push(
    eventFrame('messageStop', { stopReason: stopReasons[reply.stopReason] }),
    eventFrame('metadata', { usage: usage(reply), metrics: { latencyMs: estimatedLatencyMs(reply.outputTokens) } }),
  );
  return frames;
}
