// CanonicalRequest → the body of Converse / ConverseStream (docs/protocols/ §3.2, §6.1, §6.5).
// Converse is one shape for every Bedrock model, so only the fields every model takes go in the
// common part; Claude-only parameters (top_k, thinking, betas) travel in additionalModelRequestFields.
import { isAttributionText } from '../bridging/attribution-block.js';
import type { CanonicalMessage, CanonicalRequest, CanonicalTool, TextPart } from '../../canonical/request.js';
import { createToolNameMap, type ToolNameMap } from '../openai/tool-names.js';
import type {
  BedrockContentBlock,
  BedrockMessage,
  BedrockSystemBlock,
  BedrockToolConfig,
  BedrockToolSpec,
  ConverseRequestBody,
} from './bedrock-api.js';
import { cachePoint, convertContentPart, type ContentContext } from './convert-converse-content.js';
import { isClaudeModel, supportsCachePoints } from './model-family.js';

/** Converse requires maxTokens; OpenAI clients usually leave it out. */
export const defaultMaxTokens = 4096;

function convertSystem(parts: TextPart[], context: ContentContext): BedrockSystemBlock[] {
  const blocks: BedrockSystemBlock[] = [];
  for (const part of parts) {
    // Claude Code's attribution block is kept for Claude and means nothing to any other model.
    if (part.text.length === 0 || (!context.claude && isAttributionText(part.text))) continue;
    blocks.push({ text: part.text });
    if (part.cacheControl !== undefined && context.cachePoints) blocks.push(cachePoint(part.cacheControl));
  }
  return blocks;
}

function isToolBlock(block: BedrockContentBlock): boolean {
  return 'toolUse' in block || 'toolResult' in block;
}

/** Tool results first in a user turn, as Claude requires; their cache points stay right behind them. */
function toolResultsFirst(blocks: BedrockContentBlock[]): BedrockContentBlock[] {
  const results: BedrockContentBlock[] = [];
  const others: BedrockContentBlock[] = [];
  let lastWasResult = false;
  for (const block of blocks) {
    const isResult: boolean = 'toolResult' in block || ('cachePoint' in block && lastWasResult);
    (isResult ? results : others).push(block);
    lastWasResult = isResult;
  }
  return results.length === 0 ? blocks : [...results, ...others];
}

/**
 * Alternating user/assistant turns. Mid-conversation system turns are hoisted into `system` (Converse
 * has no system role in messages); same-role runs merge; turns left empty are dropped.
 */
function convertMessages(
  messages: CanonicalMessage[],
  context: ContentContext,
): { messages: BedrockMessage[]; hoistedSystem: TextPart[] } {
  const converted: BedrockMessage[] = [];
  const hoistedSystem: TextPart[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      for (const part of message.content) if (part.type === 'text') hoistedSystem.push(part);
      continue;
    }
    const blocks = message.content.flatMap((part) => convertContentPart(part, context));
    if (!blocks.some((block) => !('cachePoint' in block))) continue;
    const previous = converted.at(-1);
    if (previous !== undefined && previous.role === message.role) previous.content.push(...blocks);
    else converted.push({ role: message.role, content: blocks });
  }
  for (const message of converted) if (message.role === 'user') message.content = toolResultsFirst(message.content);
  return { messages: converted, hoistedSystem };
}

function toolSpec(tool: CanonicalTool, toolNames: ToolNameMap): BedrockToolSpec {
  const spec: BedrockToolSpec['toolSpec'] = {
    name: toolNames.toWire(tool.name),
    inputSchema: { json: { type: 'object', ...tool.inputSchema } },
  };
  // Converse rejects an empty description (minimum length 1).
  if (tool.description !== undefined && tool.description.length > 0) spec.description = tool.description;
  return { toolSpec: spec };
}

function toolNamesInHistory(messages: BedrockMessage[]): string[] {
  const names = new Set<string>();
  for (const message of messages)
    for (const block of message.content) if ('toolUse' in block) names.add(block.toolUse.name);
  return [...names];
}

/**
 * Converse rejects a history with tool blocks unless toolConfig is present, and has no "none" tool
 * choice. So with `none` (or no tools declared) and tool blocks in the history, toolConfig lists only
 * the tools the history used (their declared spec when known): the model can still see them, which is
 * as close to `none` as Converse allows.
 */
function convertTools(
  request: CanonicalRequest,
  messages: BedrockMessage[],
  context: ContentContext,
): BedrockToolConfig | undefined {
  const declared = request.tools ?? [];
  const historyHasToolBlocks = messages.some((message) => message.content.some(isToolBlock));
  const choice = request.toolChoice;
  if (choice?.type !== 'none' && declared.length > 0) {
    const tools: BedrockToolConfig['tools'] = [];
    for (const tool of declared) {
      tools.push(toolSpec(tool, context.toolNames));
      if (tool.cacheControl !== undefined && context.cachePoints) tools.push(cachePoint(tool.cacheControl));
    }
    const config: BedrockToolConfig = { tools };
    // `auto` is Converse's default, and some models reject an explicit toolChoice of any kind.
    if (choice?.type === 'any') config.toolChoice = { any: {} };
    if (choice?.type === 'tool') config.toolChoice = { tool: { name: context.toolNames.toWire(choice.name) } };
    return config;
  }
  if (!historyHasToolBlocks) return undefined;
  const declaredByWireName = new Map(declared.map((tool) => [context.toolNames.toWire(tool.name), tool]));
  const tools = toolNamesInHistory(messages).map((name): BedrockToolSpec => {
    const tool = declaredByWireName.get(name);
    return tool !== undefined
      ? toolSpec(tool, context.toolNames)
      : { toolSpec: { name, inputSchema: { json: { type: 'object' } } } };
  });
  // Tool results without any tool call in the history: one placeholder keeps toolConfig valid.
  if (tools.length === 0) tools.push({ toolSpec: { name: 'unused_tool', inputSchema: { json: { type: 'object' } } } });
  return { tools };
}

/** Claude rejects thinking with a forced tool, or when the last assistant tool turn does not start with reasoning (§6.5). */
function thinkingAllowed(request: CanonicalRequest, messages: BedrockMessage[]): boolean {
  if (request.toolChoice?.type === 'any' || request.toolChoice?.type === 'tool') return false;
  const lastAssistant = messages.findLast((message) => message.role === 'assistant');
  if (lastAssistant === undefined || !lastAssistant.content.some((block) => 'toolUse' in block)) return true;
  const first = lastAssistant.content[0];
  return first !== undefined && 'reasoningContent' in first;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * Dropped on purpose: `responseFormat` (Converse `outputConfig` is new and model-specific), `userId`
 * (`requestMetadata` only takes a narrow character set, and Claude Code's JSON user id fails it),
 * `reasoningEffort`, `includeUsage` (Converse always reports usage), `disableParallel` (no Converse
 * field), and `top_k` / thinking for models other than Claude (each family names them differently).
 */
export function convertToConverseBody(request: CanonicalRequest, modelId: string): ConverseRequestBody {
  const claude = isClaudeModel(modelId);
  const context: ContentContext = {
    toolNames: createToolNameMap(request),
    claude,
    cachePoints: supportsCachePoints(modelId),
    documentNames: new Set(),
  };
  const { messages, hoistedSystem } = convertMessages(request.messages, context);
  const thinking =
    claude &&
    request.thinking !== undefined &&
    request.thinking.type !== 'disabled' &&
    thinkingAllowed(request, messages)
      ? request.thinking
      : undefined;
  const maxTokens =
    request.maxTokens ?? (thinking?.type === 'enabled' ? thinking.budgetTokens + defaultMaxTokens : defaultMaxTokens);

  const body: ConverseRequestBody = { messages, inferenceConfig: { maxTokens } };
  const system = convertSystem([...request.system, ...hoistedSystem], context);
  if (system.length > 0) body.system = system;

  const additional: Record<string, unknown> = {};
  if (thinking !== undefined) {
    additional.thinking =
      thinking.type === 'enabled' ? { type: 'enabled', budget_tokens: thinking.budgetTokens } : { type: thinking.type };
    // With thinking on, Claude rejects temperature and top_k changes and a top_p below 0.95.
    if (request.topP !== undefined && request.topP >= 0.95) body.inferenceConfig.topP = Math.min(request.topP, 1);
  } else {
    // Bedrock models take temperature in [0, 1]; OpenAI clients may send up to 2.
    if (request.temperature !== undefined) body.inferenceConfig.temperature = clamp(request.temperature, 0, 1);
    if (request.topP !== undefined) body.inferenceConfig.topP = request.topP;
    if (claude && request.topK !== undefined) additional.top_k = request.topK;
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    body.inferenceConfig.stopSequences = request.stopSequences;

  const toolConfig = convertTools(request, messages, context);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;

  if (claude) {
    const betas = (request.anthropicBeta ?? []).map((beta) => beta.trim()).filter((beta) => beta.length > 0);
    if (betas.length > 0) additional.anthropic_beta = betas;
    // Converse's stopReason does not say which stop sequence matched; Claude's own response does.
    body.additionalModelResponseFieldPaths = ['/stop_sequence'];
  }
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;
  return body;
}
