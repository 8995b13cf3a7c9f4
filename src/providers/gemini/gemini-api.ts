// Wire types of Gemini `generateContent` (docs/protocols/google.md §4.2, §4.3), shared by the Gemini API
// and Gemini on Vertex. The request types describe what we build; responses, stream chunks and
// error bodies are untrusted input, typed loosely and read field by field by the converters.

/**
 * Google's documented placeholder for a `thoughtSignature` the caller does not have (history
 * written by another model, or by Gemini through a gateway that cannot keep signatures).
 * See https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const skipThoughtSignatureValidator = 'skip_thought_signature_validator';

export interface GeminiInlineData {
  mimeType: string;
  /** Base64. */
  data: string;
}

export interface GeminiFileData {
  mimeType: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

export interface GeminiFunctionResponse {
  name: string;
  /** Must be an object. */
  response: Record<string, unknown>;
  id?: string;
}

/** A part we send: exactly one of the data fields, optionally with a thought signature. */
export type GeminiPart =
  | { text: string; thought?: boolean; thoughtSignature?: string }
  | { inlineData: GeminiInlineData }
  | { fileData: GeminiFileData }
  | { functionCall: GeminiFunctionCall; thoughtSignature?: string }
  | { functionResponse: GeminiFunctionResponse };

export type GeminiRole = 'user' | 'model';

export interface GeminiContent {
  role: GeminiRole;
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** The OpenAPI-subset Schema, sanitised (sanitize-schema.ts). Left out for a tool without parameters. */
  parameters?: Record<string, unknown>;
}

export interface GeminiTool {
  functionDeclarations: GeminiFunctionDeclaration[];
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
}

export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  includeThoughts?: boolean;
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  responseMimeType?: string;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

/** A part as it comes back (any field may be missing or of the wrong type). */
export interface GeminiResponsePart {
  text?: unknown;
  thought?: unknown;
  thoughtSignature?: unknown;
  functionCall?: { name?: unknown; args?: unknown; id?: unknown } | null;
  inlineData?: unknown;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
}

export interface GeminiCandidate {
  content?: { role?: unknown; parts?: unknown } | null;
  finishReason?: unknown;
  finishMessage?: unknown;
  index?: unknown;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: unknown;
  cachedContentTokenCount?: unknown;
  candidatesTokenCount?: unknown;
  thoughtsTokenCount?: unknown;
  toolUsePromptTokenCount?: unknown;
  totalTokenCount?: unknown;
}

/** The JSON answer of generateContent, and each `data:` chunk of streamGenerateContent?alt=sse. */
export interface GeminiGenerateContentResponse {
  candidates?: unknown;
  promptFeedback?: { blockReason?: unknown; blockReasonMessage?: unknown } | null;
  usageMetadata?: GeminiUsageMetadata | null;
  modelVersion?: unknown;
  responseId?: unknown;
  /** Present instead of the above when the stream fails after it started (js-genai checks for it). */
  error?: unknown;
}

/** The `error` of Google's error body `{"error":{"code","message","status","details"}}`. */
export interface GoogleErrorDetail {
  /** The HTTP status Google meant, when given. */
  code?: number;
  message: string;
  /** google.rpc.Code name: RESOURCE_EXHAUSTED, INVALID_ARGUMENT, … */
  status?: string;
  details: unknown[];
}
