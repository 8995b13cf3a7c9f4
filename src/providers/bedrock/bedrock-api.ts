// Wire types of the Bedrock Runtime API (docs/protocols/bedrock.md §3; Smithy model
// botocore/data/bedrock-runtime/2023-09-30/service-2.json): the Converse request we build, and the
// names of the things we read. Responses and stream events are untrusted input and are read field by
// field in the converters.

/** InvokeModel with Claude: the Anthropic body's version field on Bedrock (§3.5). */
export const bedrockAnthropicVersion = 'bedrock-2023-05-31';

export type BedrockApi = 'converse' | 'invoke';

export interface BedrockCachePoint {
  cachePoint: { type: 'default'; ttl?: '5m' | '1h' };
}

export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';
export type BedrockDocumentFormat = 'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md';

export interface BedrockTextBlock {
  text: string;
}

export interface BedrockImageBlock {
  /** `bytes` is base64 in JSON. */
  image: { format: BedrockImageFormat; source: { bytes: string } };
}

export interface BedrockDocumentBlock {
  document: { format: BedrockDocumentFormat; name: string; source: { bytes: string } };
}

export interface BedrockToolUseBlock {
  toolUse: { toolUseId: string; name: string; input: unknown };
}

export type BedrockToolResultContent = BedrockTextBlock | BedrockImageBlock | BedrockDocumentBlock | { json: unknown };

export interface BedrockToolResultBlock {
  toolResult: { toolUseId: string; content: BedrockToolResultContent[]; status?: 'success' | 'error' };
}

export interface BedrockReasoningBlock {
  reasoningContent: { reasoningText: { text: string; signature?: string } } | { redactedContent: string };
}

export type BedrockContentBlock =
  | BedrockTextBlock
  | BedrockImageBlock
  | BedrockDocumentBlock
  | BedrockToolUseBlock
  | BedrockToolResultBlock
  | BedrockReasoningBlock
  | BedrockCachePoint;

export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: BedrockContentBlock[];
}

export type BedrockSystemBlock = BedrockTextBlock | BedrockCachePoint;

export interface BedrockToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

export type BedrockToolChoice =
  | { auto: Record<string, never> }
  | { any: Record<string, never> }
  | { tool: { name: string } };

export interface BedrockToolConfig {
  tools: Array<BedrockToolSpec | BedrockCachePoint>;
  toolChoice?: BedrockToolChoice;
}

export interface BedrockInferenceConfig {
  maxTokens: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** The body of POST /model/{modelId}/converse and /converse-stream (the model id is in the path). */
export interface ConverseRequestBody {
  messages: BedrockMessage[];
  system?: BedrockSystemBlock[];
  inferenceConfig: BedrockInferenceConfig;
  toolConfig?: BedrockToolConfig;
  /** Passed to the model as is: for Claude, `top_k`, `thinking`, `anthropic_beta`. */
  additionalModelRequestFields?: Record<string, unknown>;
  /** JSON pointers into the model's own response, returned as `additionalModelResponseFields`. */
  additionalModelResponseFieldPaths?: string[];
}

export type ConverseStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'malformed_model_output'
  | 'malformed_tool_use'
  | 'model_context_window_exceeded';

export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** `:event-type` values of ConverseStream (§3.3). */
export type ConverseStreamEventType =
  | 'messageStart'
  | 'contentBlockStart'
  | 'contentBlockDelta'
  | 'contentBlockStop'
  | 'messageStop'
  | 'metadata';

/** The `amazon-bedrock-invocationMetrics` of the final InvokeModel stream chunk (§3.5). */
export interface BedrockInvocationMetrics {
  inputTokenCount?: number;
  outputTokenCount?: number;
  cacheReadInputTokenCount?: number;
  cacheWriteInputTokenCount?: number;
  invocationLatency?: number;
  firstByteLatency?: number;
}
