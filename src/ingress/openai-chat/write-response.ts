// A CanonicalResponse → an OpenAI `chat.completion` body (docs/protocols/openai-chat.md §2.2).
// The model is the one the client asked for (its route name), never the upstream's.
// Thinking is not part of OpenAI's schema; its text is exposed as the non-standard
// `message.reasoning_content` that OpenAI-compatible servers use, and redacted thinking is dropped.
import type { CanonicalResponse } from '../../canonical/response.js';
import { chatCompletionIdFor } from './chat-completion-id.js';
import { mapFinishReasonToOpenAI } from './map-finish-reason.js';
import { toOpenAIUsage } from './openai-usage.js';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Tool input → OpenAI's JSON-string arguments. */
export function serializeToolInput(input: unknown): string {
  return input === undefined ? '{}' : JSON.stringify(input);
}

export function toOpenAIChatResponse(
  response: CanonicalResponse,
  clientModel: string,
  createdSeconds: number,
): Record<string, unknown> {
  let text = '';
  let hasText = false;
  let reasoning: string | undefined;
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of response.content) {
    switch (block.type) {
      case 'text':
        text += block.text;
        hasText = true;
        break;
      case 'tool-call':
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: serializeToolInput(block.input) },
        });
        break;
      case 'thinking':
        reasoning = (reasoning ?? '') + block.text;
        break;
      case 'redacted-thinking':
        break;
    }
  }

  const message: Record<string, unknown> = {
    role: 'assistant',
    // OpenAI sends null content on a pure tool-call answer, and "" for an empty answer.
    content: hasText || toolCalls.length === 0 ? text : null,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== undefined && reasoning !== '') message.reasoning_content = reasoning;

  return {
    id: chatCompletionIdFor(response.id),
    object: 'chat.completion',
    created: createdSeconds,
    model: clientModel,
    choices: [
      {
        index: 0,
        message,
        finish_reason: mapFinishReasonToOpenAI(response.finishReason),
        logprobs: null,
      },
    ],
    usage: toOpenAIUsage(response.usage),
  };
}
