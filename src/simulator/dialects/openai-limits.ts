// The limits OpenAI (and the compatible servers that copy it) enforce on a Chat Completions body,
// with their own 400 wording: identifiers (`safety_identifier`, `user`, `prompt_cache_key`) of at most
// 64 characters, tool call ids (`messages[].tool_calls[].id`, `tool_call_id`) of at most 40, an output cap no larger than the model's (`max_tokens is too large`), and reasoning
// parameters only for reasoning models. Models the table does not know are not limited, so tests
// with made-up model names keep working.

export interface OpenaiRefusal {
  message: string;
  param: string;
  code: string;
}

export const maximumIdentifierLength = 64;

const identifierFields = ['safety_identifier', 'user', 'prompt_cache_key'];

export const maximumToolCallIdLength = 40;

function tooLong(param: string, length: number, maximum: number): OpenaiRefusal {
  return {
    message: `Invalid '${param}': string too long. Expected a string with maximum length ${maximum}, but got a string with length ${length} instead.`,
    param,
    code: 'string_above_max_length',
  };
}

/** The first tool call id (on an assistant turn or a tool message) longer than the API takes. */
function longToolCallId(messages: unknown): OpenaiRefusal | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const [index, message] of messages.entries()) {
    if (typeof message !== 'object' || message === null) continue;
    const { tool_calls: calls, tool_call_id: callId } = message as Record<string, unknown>;
    if (typeof callId === 'string' && callId.length > maximumToolCallIdLength)
      return tooLong(`messages[${index}].tool_call_id`, callId.length, maximumToolCallIdLength);
    if (!Array.isArray(calls)) continue;
    for (const [callIndex, call] of calls.entries()) {
      const id = (call as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id.length > maximumToolCallIdLength)
        return tooLong(`messages[${index}].tool_calls[${callIndex}].id`, id.length, maximumToolCallIdLength);
    }
  }
  return undefined;
}

/** Output caps of well-known models, first matching prefix wins. */
const outputLimits: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['gpt-4o', 16_384],
  ['gpt-4.1', 32_768],
  ['gpt-5', 128_000],
  ['o3', 100_000],
  ['o4', 100_000],
  ['gpt-3.5', 4_096],
];

const reasoningPrefixes = ['gpt-5', 'o1', 'o3', 'o4'];
const nonReasoningPrefixes = ['gpt-4o', 'gpt-4.1', 'gpt-3.5'];

export function simulatedOutputLimit(model: string): number | undefined {
  return outputLimits.find(([prefix]) => model.startsWith(prefix))?.[1];
}

export function checkOpenaiLimits(body: Record<string, unknown>, model: string): OpenaiRefusal | undefined {
  for (const field of identifierFields) {
    const value = body[field];
    if (typeof value === 'string' && value.length > maximumIdentifierLength)
      return tooLong(field, value.length, maximumIdentifierLength);
  }
  const longId = longToolCallId(body.messages);
  if (longId !== undefined) return longId;
  const limit = simulatedOutputLimit(model);
  const field = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const requested = body[field];
  if (limit !== undefined && typeof requested === 'number' && requested > limit)
    return {
      message: `max_tokens is too large: ${requested}. This model supports at most ${limit} completion tokens, whereas you provided ${requested}.`,
      param: field,
      code: 'invalid_value',
    };
  if (body.reasoning_effort !== undefined && nonReasoningPrefixes.some((prefix) => model.startsWith(prefix)))
    return {
      message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
      param: 'reasoning_effort',
      code: 'unsupported_parameter',
    };
  return undefined;
}

export function isSimulatedReasoningModel(model: string): boolean {
  return reasoningPrefixes.some((prefix) => model.startsWith(prefix));
}
