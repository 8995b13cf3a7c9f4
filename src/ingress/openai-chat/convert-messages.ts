// OpenAI chat messages → the canonical system prompt and message list (docs/protocols/translation.md §6.1).
// - system/developer messages before the first user/assistant turn form the system prompt;
//   later ones stay in place as canonical `system` messages.
// - a run of consecutive `tool` messages becomes ONE user message of tool-result parts, which is
//   what Anthropic requires after an assistant turn with parallel tool calls.
// - the deprecated `function` role is refused with a 400 (its results carry no call id to map).
import type { CanonicalMessage, ContentPart, TextPart, ToolResultPart } from '../../canonical/request.js';
import { convertUserPart } from './convert-user-content.js';
import { invalidRequest } from './invalid-request.js';
import { parseToolArguments } from './parse-tool-arguments.js';
import type { OpenAIAssistantMessage, OpenAIChatMessage, OpenAITextContent } from './request-schema.js';

export interface ConvertedMessages {
  system: TextPart[];
  messages: CanonicalMessage[];
}

function textParts(content: OpenAITextContent): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function assistantParts(message: OpenAIAssistantMessage, path: readonly PropertyKey[]): ContentPart[] {
  const text: TextPart[] = [];
  if (typeof message.content === 'string') {
    text.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      // A refusal the model gave earlier is still what it said: keep it as text for the next model.
      text.push({ type: 'text', text: part.type === 'text' ? part.text : part.refusal });
    }
  }
  if (text.length === 0 && typeof message.refusal === 'string' && message.refusal !== '') {
    text.push({ type: 'text', text: message.refusal });
  }
  const toolCalls: ContentPart[] = (message.tool_calls ?? []).map((call) => ({
    type: 'tool-call',
    id: call.id,
    name: call.function.name,
    input: parseToolArguments(call.function.arguments),
  }));
  if (toolCalls.length > 0) {
    // Clients often send content "" beside tool calls; an empty text block is a 400 on Anthropic and Bedrock.
    return [...text.filter((part) => part.text !== ''), ...toolCalls];
  }
  if (text.length === 0) throw invalidRequest([...path, 'content'], 'an assistant message needs content or tool_calls');
  return text;
}

function toolResult(message: Extract<OpenAIChatMessage, { role: 'tool' }>): ToolResultPart {
  return {
    type: 'tool-result',
    toolCallId: message.tool_call_id,
    // An empty result is better sent as no content than as an empty text block.
    content: textParts(message.content).filter((part) => part.text !== ''),
    isError: false,
  };
}

export function convertMessages(messages: readonly OpenAIChatMessage[]): ConvertedMessages {
  const system: TextPart[] = [];
  const converted: CanonicalMessage[] = [];
  let conversationStarted = false;
  // The user message currently collecting tool results, while the run of tool messages lasts.
  let toolResultMessage: CanonicalMessage | undefined;

  messages.forEach((message, index) => {
    const path = ['messages', index] as const;
    if (message.role !== 'tool') toolResultMessage = undefined;
    switch (message.role) {
      case 'system':
      case 'developer':
        if (conversationStarted) converted.push({ role: 'system', content: textParts(message.content) });
        else system.push(...textParts(message.content));
        return;
      case 'user': {
        conversationStarted = true;
        const content =
          typeof message.content === 'string'
            ? [{ type: 'text' as const, text: message.content }]
            : message.content.map((part, partIndex) => convertUserPart(part, [...path, 'content', partIndex]));
        converted.push({ role: 'user', content });
        return;
      }
      case 'assistant':
        conversationStarted = true;
        converted.push({ role: 'assistant', content: assistantParts(message, path) });
        return;
      case 'tool':
        conversationStarted = true;
        if (toolResultMessage) {
          toolResultMessage.content.push(toolResult(message));
        } else {
          toolResultMessage = { role: 'user', content: [toolResult(message)] };
          converted.push(toolResultMessage);
        }
        return;
      case 'function':
        throw invalidRequest(
          [...path, 'role'],
          "the deprecated 'function' role is not supported; use tool_calls and 'tool' messages",
        );
    }
  });

  return { system, messages: converted };
}
