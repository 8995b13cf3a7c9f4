// OpenAI sends tool-call arguments as a JSON string; the canonical tool call holds the parsed
// object (Anthropic, Bedrock and Gemini all want an object). Models do emit broken JSON, and a
// history containing it must still be forwarded rather than crash the request
// (docs/protocols/translation.md §6.1), so anything that is not a JSON object is kept verbatim under one key.

/** The key under which arguments that are not a JSON object are kept as the original string. */
export const rawArgumentsKey = '_raw_arguments';

export function parseToolArguments(argumentsValue: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof argumentsValue !== 'string') return argumentsValue;
  // Tools without parameters often come back with "" rather than "{}".
  if (argumentsValue.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(argumentsValue);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Invalid JSON: fall through to the raw wrapper.
  }
  return { [rawArgumentsKey]: argumentsValue };
}
