// Claude Code's attribution block: from about v2.1 it leads `system` with a per-request text block
// `x-anthropic-billing-header: cc_version=…; cc_entrypoint=…; cch=…;` (docs/protocols/claude-code.md).
// Anthropic's gateway guidance is to leave it alone for Claude, so every Claude upstream (Anthropic,
// Bedrock, Vertex) receives it; it means nothing to any other model and, changing on every request,
// defeats their prefix caches, so every non-Claude upstream (OpenAI, Azure, compatible servers,
// Gemini, non-Claude Bedrock models) has it removed.
import type { TextPart } from '../../canonical/request.js';

const attributionPrefix = 'x-anthropic-billing-header:';

export function isAttributionText(text: string): boolean {
  return text.trimStart().startsWith(attributionPrefix);
}

/** The system parts a non-Claude upstream receives. */
export function withoutAttribution(parts: TextPart[]): TextPart[] {
  return parts.some((part) => isAttributionText(part.text))
    ? parts.filter((part) => !isAttributionText(part.text))
    : parts;
}
