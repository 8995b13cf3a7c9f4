// CanonicalRequest → the body of generateContent / streamGenerateContent (docs/protocols/ §4.2,
// §6.1, §6.5), for the Gemini API and Gemini on Vertex alike. The model is in the URL, not the body.
//
// Not carried, on purpose: cache_control (Gemini caches implicitly; no per-block equivalent),
// disableParallel (no Gemini switch), reasoningEffort (thinkingLevel exists only on Gemini 3 and is
// a 400 on older models), userId (Vertex `labels` only accept short lower-case values, which a
// Claude Code user id is not), stop sequences past the fifth (Gemini's limit).
import { withoutAttribution } from '../bridging/attribution-block.js';
import type {
  CanonicalRequest,
  CanonicalToolChoice,
  ResponseFormat,
  TextPart,
  ThinkingConfig,
} from '../../canonical/request.js';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiThinkingConfig,
  GeminiToolConfig,
} from './gemini-api.js';
import { convertGeminiContents } from './convert-contents.js';
import { sanitizeToolParameters } from './sanitize-schema.js';
import { createGeminiToolNameMap, type GeminiToolNameMap } from './tool-names.js';

/** Gemini rejects more than five stop sequences; the first five are the ones the client listed first. */
export const maximumStopSequences = 5;

/**
 * Gemini 1.x and 2.x do not validate thought signatures; later models (and aliases such as
 * gemini-flash-latest, which may point at them) do, so they get the placeholder.
 */
export function needsThoughtSignatures(model: string): boolean {
  return !/^(models\/)?gemini-[12][.-]/i.test(model);
}

function convertSystem(parts: TextPart[]): GeminiGenerateContentRequest['systemInstruction'] {
  // Claude Code's attribution block means nothing to Gemini and defeats its implicit prefix cache.
  const texts = withoutAttribution(parts)
    .map((part) => part.text)
    .filter((text) => text.length > 0);
  return texts.length === 0 ? undefined : { parts: texts.map((text) => ({ text })) };
}

function convertToolChoice(choice: CanonicalToolChoice, toolNames: GeminiToolNameMap): GeminiToolConfig {
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'any':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [toolNames.toWire(choice.name)] } };
  }
}

function convertThinking(thinking: ThinkingConfig | undefined): GeminiThinkingConfig | undefined {
  // Disabled is left to the model's default: Gemini 2.5 Pro cannot turn thinking off (budget 0 is a 400).
  if (thinking === undefined || thinking.type === 'disabled') return undefined;
  if (thinking.type === 'enabled') return { thinkingBudget: thinking.budgetTokens, includeThoughts: true };
  // Adaptive: the model decides how much to think (Gemini's dynamic budget is its default).
  return { includeThoughts: true };
}

function convertResponseFormat(format: ResponseFormat | undefined, config: GeminiGenerationConfig): void {
  if (format === undefined || format.type === 'text') return;
  config.responseMimeType = 'application/json';
  // responseJsonSchema takes full JSON Schema, so the schema goes unsanitised.
  if (format.type === 'json_schema' && format.schema !== undefined) config.responseJsonSchema = format.schema;
}

function convertGenerationConfig(request: CanonicalRequest): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  // Gemini takes temperature 0–2, the same range as OpenAI's and wider than Anthropic's.
  if (request.temperature !== undefined) config.temperature = Math.min(Math.max(request.temperature, 0), 2);
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  const stops = (request.stopSequences ?? []).filter((stop) => stop.length > 0).slice(0, maximumStopSequences);
  if (stops.length > 0) config.stopSequences = stops;
  convertResponseFormat(request.responseFormat, config);
  const thinking = convertThinking(request.thinking);
  if (thinking !== undefined) config.thinkingConfig = thinking;
  return Object.keys(config).length === 0 ? undefined : config;
}

function convertTools(request: CanonicalRequest, toolNames: GeminiToolNameMap): GeminiFunctionDeclaration[] {
  return (request.tools ?? []).map((tool) => {
    const declaration: GeminiFunctionDeclaration = { name: toolNames.toWire(tool.name) };
    if (tool.description !== undefined && tool.description.length > 0) declaration.description = tool.description;
    const parameters = sanitizeToolParameters(tool.inputSchema);
    if (parameters !== undefined) declaration.parameters = parameters;
    return declaration;
  });
}

/** `model` is the deployment's model id (it decides whether function calls need a signature). */
export function buildGeminiBody(request: CanonicalRequest, model: string): GeminiGenerateContentRequest {
  const toolNames = createGeminiToolNameMap(request);
  const { contents, hoistedSystem } = convertGeminiContents(request.messages, {
    toolNames,
    signFunctionCalls: needsThoughtSignatures(model),
  });
  const body: GeminiGenerateContentRequest = { contents };
  const systemInstruction = convertSystem([...request.system, ...hoistedSystem]);
  if (systemInstruction !== undefined) body.systemInstruction = systemInstruction;
  const declarations = convertTools(request, toolNames);
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    if (request.toolChoice !== undefined) body.toolConfig = convertToolChoice(request.toolChoice, toolNames);
  }
  const generationConfig = convertGenerationConfig(request);
  if (generationConfig !== undefined) body.generationConfig = generationConfig;
  return body;
}
