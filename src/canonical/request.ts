// The canonical request: what every ingress produces and every provider adapter consumes.
// Field names are our own; each adapter maps them to its wire format (docs/protocols/translation.md §6.1).

export type ClientFormat = 'anthropic-messages' | 'openai-chat';

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export type MediaSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; fileId: string }
  | { kind: 'text'; mediaType: string; text: string };

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  cacheControl?: CacheControl;
}

export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  title?: string;
  filename?: string;
  cacheControl?: CacheControl;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** Parsed arguments (an object for every well-behaved model). */
  input: unknown;
  cacheControl?: CacheControl;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  content: Array<TextPart | ImagePart | DocumentPart>;
  isError: boolean;
  cacheControl?: CacheControl;
}

export interface ThinkingPart {
  type: 'thinking';
  text: string;
  /** Only a genuine Anthropic signature; never invented for other vendors' reasoning. */
  signature?: string;
}

export interface RedactedThinkingPart {
  type: 'redacted-thinking';
  data: string;
}

export type ContentPart =
  | TextPart
  | ImagePart
  | DocumentPart
  | ToolCallPart
  | ToolResultPart
  | ThinkingPart
  | RedactedThinkingPart;

export interface CanonicalMessage {
  /** `system` is a mid-conversation system turn (newer Anthropic clients, OpenAI system/developer messages). */
  role: 'user' | 'assistant' | 'system';
  content: ContentPart[];
}

export interface CanonicalTool {
  name: string;
  description?: string;
  /** JSON Schema of the tool's input. */
  inputSchema: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type CanonicalToolChoice =
  | { type: 'auto'; disableParallel?: boolean }
  | { type: 'any'; disableParallel?: boolean }
  | { type: 'tool'; name: string; disableParallel?: boolean }
  | { type: 'none' };

export type ThinkingConfig = { type: 'enabled'; budgetTokens: number } | { type: 'adaptive' } | { type: 'disabled' };

export interface ResponseFormat {
  type: 'text' | 'json_object' | 'json_schema';
  name?: string;
  schema?: Record<string, unknown>;
  strict?: boolean;
}

/** The request as it arrived, kept so an upstream of the same format gets every field, even ones we do not model. */
export interface OriginalRequest {
  format: ClientFormat;
  /** The parsed JSON body exactly as the client sent it. */
  body: Record<string, unknown>;
  /**
   * The text the client sent, with the object it was parsed into: a same-format upstream that needs
   * nothing changed receives these bytes, not a re-serialisation (a Claude Code body is hundreds of KB).
   * It describes `body` only while `body` is that very object: an ingress that reshapes the body, or a
   * continuation that extends it, makes a new one, and the text no longer applies.
   */
  received?: { body: Record<string, unknown>; text: string };
  /**
   * The client reads the upstream's own answer bytes (the relay lane) when a deployment speaks
   * `format`. Off for clients whose answers are re-framed (Bedrock's binary event stream).
   */
  relay?: boolean;
  /** Every inbound `anthropic-*` header (lower-cased names), forwarded to Anthropic upstreams unchanged. */
  anthropicHeaders?: Record<string, string>;
}

export interface CanonicalRequest {
  /** What the client asked for (a route name, alias or deployment model id). */
  model: string;
  system: TextPart[];
  messages: CanonicalMessage[];
  /** Output cap. Undefined when the client did not say (OpenAI); adapters that need one pick a default. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  tools?: CanonicalTool[];
  toolChoice?: CanonicalToolChoice;
  thinking?: ThinkingConfig;
  responseFormat?: ResponseFormat;
  /** OpenAI `reasoning_effort` / Anthropic `output_config.effort`. */
  reasoningEffort?: string;
  userId?: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage?: boolean;
  /** Client headers that Claude upstreams must receive unchanged. */
  anthropicBeta?: string[];
  anthropicVersion?: string;
  original: OriginalRequest;
}
