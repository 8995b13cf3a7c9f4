// Reads a Gemini `generateContent` body (docs/protocols/google.md §4.2), as the Gemini API and Vertex
// take it, into the neutral request, with the checks Google makes first: contents present with
// valid roles and parts, function names in Google's pattern, and `parameters` schemas limited to
// the OpenAPI subset Gemini knows (an unknown keyword such as additionalProperties, or a list as
// `type`, is refused as Google refuses it; `parametersJsonSchema` takes any JSON Schema).
// Field names are accepted in lowerCamel and snake_case, as Google's JSON parser does.
import {
  estimateTokens,
  type LastTurn,
  type SimulatedRequest,
  type SimulatedTool,
  type SimulatedToolChoice,
} from '../reply-generator.js';
import { isRecord } from '../../util/wire-values.js';

const functionNamePattern = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

/** The fields of Gemini's Schema object; anything else in `parameters` is an unknown field to Google. */
const schemaFields = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

function field(record: Record<string, unknown>, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

/** The first thing Google would refuse in a `parameters` schema, as its message. */
function schemaProblem(schema: unknown, at: string): string | undefined {
  if (!isRecord(schema)) return undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (!schemaFields.has(key))
      return `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;
    if (key === 'type' && typeof value !== 'string')
      return `Invalid JSON payload received. Proto field is not repeating, cannot start list at '${at}.type'.`;
  }
  if (isRecord(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      const problem = schemaProblem(property, `${at}.properties[${name}].value`);
      if (problem) return problem;
    }
  }
  const items = schemaProblem(schema.items, `${at}.items`);
  if (items) return items;
  if (Array.isArray(schema.anyOf)) {
    for (const [index, option] of schema.anyOf.entries()) {
      const problem = schemaProblem(option, `${at}.any_of[${index}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function toolsOf(body: Record<string, unknown>): SimulatedTool[] | string {
  const tools: SimulatedTool[] = [];
  const entries = Array.isArray(body.tools) ? body.tools : [];
  for (const [toolIndex, entry] of entries.entries()) {
    if (!isRecord(entry)) continue;
    const declarations = field(entry, 'functionDeclarations', 'function_declarations');
    if (!Array.isArray(declarations)) continue; // googleSearch, codeExecution…
    for (const [index, declaration] of declarations.entries()) {
      if (!isRecord(declaration)) continue;
      const name = declaration.name;
      if (typeof name !== 'string' || !functionNamePattern.test(name)) {
        return `* GenerateContentRequest.tools[${toolIndex}].function_declarations[${index}].name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n`;
      }
      const parameters = declaration.parameters;
      const problem = schemaProblem(parameters, `tools[${toolIndex}].function_declarations[${index}].parameters`);
      if (problem) return problem;
      tools.push({
        name,
        inputSchema: parameters ?? field(declaration, 'parametersJsonSchema', 'parameters_json_schema'),
      });
    }
  }
  return tools;
}

function toolChoiceOf(body: Record<string, unknown>): SimulatedToolChoice {
  const toolConfig = field(body, 'toolConfig', 'tool_config');
  const calling = isRecord(toolConfig)
    ? field(toolConfig, 'functionCallingConfig', 'function_calling_config')
    : undefined;
  if (!isRecord(calling)) return { type: 'auto' };
  if (calling.mode === 'NONE') return { type: 'none' };
  if (calling.mode === 'ANY') {
    const allowed = field(calling, 'allowedFunctionNames', 'allowed_function_names');
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string')
      return { type: 'tool', name: allowed[0] };
    return { type: 'any' };
  }
  return { type: 'auto' };
}

function partsOf(content: unknown): unknown[] {
  return isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
}

function partTexts(parts: unknown[]): string {
  const texts: string[] = [];
  for (const part of parts)
    if (isRecord(part) && typeof part.text === 'string' && part.thought !== true) texts.push(part.text);
  return texts.join('\n');
}

/** The words of a functionResponse: its one string field when it has one (`{"result": "…"}`), else its JSON. */
function functionResponseText(response: unknown): string {
  if (isRecord(response)) {
    const strings = Object.values(response).filter((value): value is string => typeof value === 'string');
    if (strings.length === 1 && Object.keys(response).length === 1) return strings[0]!;
  }
  return typeof response === 'string' ? response : JSON.stringify(response ?? {});
}

function lastTurnOf(contents: unknown[]): LastTurn {
  const last = contents[contents.length - 1];
  if (!isRecord(last) || last.role === 'model') return { kind: 'other' };
  const parts = partsOf(last);
  for (const part of parts) {
    const response = isRecord(part) ? field(part, 'functionResponse', 'function_response') : undefined;
    if (isRecord(response)) {
      return {
        kind: 'tool-result',
        toolName: typeof response.name === 'string' ? response.name : undefined,
        text: functionResponseText(response.response),
      };
    }
  }
  return { kind: 'user-text', text: partTexts(parts) };
}

function inputCharacters(body: Record<string, unknown>, contents: unknown[]): number {
  let characters = partTexts(partsOf(field(body, 'systemInstruction', 'system_instruction'))).length;
  for (const content of contents) {
    for (const part of partsOf(content)) {
      if (!isRecord(part)) continue;
      if (typeof part.text === 'string') characters += part.text.length;
      const call = field(part, 'functionCall', 'function_call');
      if (isRecord(call)) characters += JSON.stringify(call.args ?? {}).length;
      const response = field(part, 'functionResponse', 'function_response');
      if (isRecord(response)) characters += functionResponseText(response.response).length;
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) characters += JSON.stringify(body.tools).length;
  return characters;
}

/** The first thing Google would refuse in `contents`, as its message. */
function contentsProblem(contents: unknown): string | undefined {
  if (!Array.isArray(contents) || contents.length === 0)
    return '* GenerateContentRequest.contents: contents is not specified\n';
  for (const [index, content] of contents.entries()) {
    if (!isRecord(content)) return `Invalid JSON payload received. Expected an object at 'contents[${index}]'.`;
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model')
      return 'Please use a valid role: user, model.';
    if (partsOf(content).length === 0)
      return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`;
  }
  return undefined;
}

/** The body's contents and the characters they cost, for countTokens (which may wrap a generateContentRequest). */
export function countGeminiTokens(value: unknown, invalid: boolean): number | { problem: string } {
  if (invalid || !isRecord(value)) return { problem: 'Invalid JSON payload received. Unexpected token.' };
  const wrapped = field(value, 'generateContentRequest', 'generate_content_request');
  const body = isRecord(wrapped) ? wrapped : value;
  const problem = contentsProblem(body.contents);
  if (problem) return { problem };
  return estimateTokens(inputCharacters(body, body.contents as unknown[]));
}

/** A generateContent body as the neutral request, or Google's INVALID_ARGUMENT message. */
export function parseGenerateContentRequest(
  value: unknown,
  invalid: boolean,
  model: string,
  stream: boolean,
): SimulatedRequest | { problem: string } {
  if (invalid || !isRecord(value)) return { problem: 'Invalid JSON payload received. Unexpected token.' };
  const body = value;
  const problem = contentsProblem(body.contents);
  if (problem) return { problem };
  const contents = body.contents as unknown[];
  const tools = toolsOf(body);
  if (typeof tools === 'string') return { problem: tools };
  const generation = field(body, 'generationConfig', 'generation_config');
  const config = isRecord(generation) ? generation : {};
  const maxTokens = field(config, 'maxOutputTokens', 'max_output_tokens');
  const stopSequences = field(config, 'stopSequences', 'stop_sequences');
  return {
    model,
    stream,
    maxTokens: typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0 ? maxTokens : undefined,
    stopSequences: Array.isArray(stopSequences)
      ? stopSequences.filter((entry): entry is string => typeof entry === 'string')
      : [],
    tools,
    toolChoice: toolChoiceOf(body),
    lastTurn: lastTurnOf(contents),
    inputTokens: estimateTokens(inputCharacters(body, contents)),
  };
}
