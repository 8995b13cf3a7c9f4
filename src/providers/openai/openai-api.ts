// Wire types of the OpenAI Chat Completions API as OpenAI, Azure OpenAI and OpenAI-compatible
// servers speak it (docs/protocols/ §2, §5). Types only. Response-side fields are optional
// and loosely typed on purpose: compatible servers omit or vary many of them, so the converters
// read them defensively instead of trusting this shape.

// ---- Request -------------------------------------------------------------------------------

export interface OpenAITextContentPart {
  type: 'text';
  text: string;
}

export interface OpenAIImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export interface OpenAIFileContentPart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string };
}

export type OpenAIUserContentPart = OpenAITextContentPart | OpenAIImageContentPart | OpenAIFileContentPart;

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAISystemMessage {
  role: 'system' | 'developer';
  content: string;
}

export interface OpenAIUserMessage {
  role: 'user';
  content: string | OpenAIUserContentPart[];
}

export interface OpenAIAssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: OpenAIToolCall[];
}

export interface OpenAIToolMessage {
  role: 'tool';
  tool_call_id: string;
  /** Text only: images of a tool result travel in a following user message. */
  content: string;
}

export type OpenAIMessage = OpenAISystemMessage | OpenAIUserMessage | OpenAIAssistantMessage | OpenAIToolMessage;

export interface OpenAIFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type OpenAIToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAIResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean } };

export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIMessage[];
  tools?: OpenAIFunctionTool[];
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  /** OpenAI and Azure: the output cap including reasoning tokens. */
  max_completion_tokens?: number;
  /** Older OpenAI-compatible servers only know this one. */
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  response_format?: OpenAIResponseFormat;
  reasoning_effort?: string;
  safety_identifier?: string;
  user?: string;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
}

// ---- Response ------------------------------------------------------------------------------

export interface OpenAIUsage {
  /** Includes cached tokens. */
  prompt_tokens?: number;
  /** Includes reasoning tokens. */
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface OpenAIResponseToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string | null };
}

export interface OpenAIResponseMessage {
  role?: string;
  content?: string | null | Array<{ type?: string; text?: string }>;
  refusal?: string | null;
  tool_calls?: OpenAIResponseToolCall[] | null;
  /** Deprecated single function call of older models. */
  function_call?: { name?: string; arguments?: string } | null;
  /** Reasoning text of compatible servers (vLLM, DeepSeek: reasoning_content; others: reasoning). */
  reasoning_content?: string | null;
  reasoning?: string | null;
}

export interface OpenAIChoice {
  index?: number;
  message?: OpenAIResponseMessage;
  finish_reason?: string | null;
}

export interface OpenAIChatCompletion {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: OpenAIChoice[];
  usage?: OpenAIUsage | null;
}

// ---- Stream --------------------------------------------------------------------------------

export interface OpenAIChunkDelta {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: OpenAIResponseToolCall[] | null;
}

export interface OpenAIChunkChoice {
  index?: number;
  delta?: OpenAIChunkDelta;
  finish_reason?: string | null;
}

export interface OpenAIChatCompletionChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  /** Empty on Azure's prompt-filter chunk and on the include_usage chunk. */
  choices?: OpenAIChunkChoice[];
  usage?: OpenAIUsage | null;
  /** In-band error of a stream that already started. */
  error?: unknown;
}

// ---- Errors --------------------------------------------------------------------------------

export interface OpenAIErrorPayload {
  message?: string;
  type?: string | null;
  param?: string | null;
  /** A string on OpenAI and Azure; vLLM puts the HTTP status number here. */
  code?: string | number | null;
  /** Azure repeats the HTTP status here. */
  status?: number;
  /** Azure content filter details. */
  innererror?: { code?: string };
}

/** `{error:{…}}` (OpenAI, Azure), `{error:"…"}` (Ollama) or `{object:"error", …}` (vLLM). */
export type OpenAIErrorBody = { error: OpenAIErrorPayload | string } | (OpenAIErrorPayload & { object: 'error' });
