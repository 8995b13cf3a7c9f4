// The zod schema of an Anthropic Messages request body (docs/protocols/ §1.2, §1.6, §9).
// It validates only what the canonical request needs, and is lenient everywhere else: unknown
// top-level fields, unknown block types and server tools pass (the original body still reaches
// Anthropic upstreams unchanged), optional fields may be null as the SDK types allow.
import { z } from 'zod';
import { runSchema, selectByType, stringOrArray } from './select-schema.js';

// `type` is a plain string so a future cache type does not turn into a 400; the mapper keeps `ephemeral`.
const positiveInteger = () => z.int().positive({ error: 'expected a positive integer' });

const cacheControlSchema = z.looseObject({ type: z.string(), ttl: z.string().nullish() }).nullish();

const textBlockSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControlSchema,
});

const imageSourceSchema = selectByType({
  base64: z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  url: z.object({ type: z.literal('url'), url: z.string() }),
  file: z.object({ type: z.literal('file'), file_id: z.string() }),
});

const imageBlockSchema = z.object({
  type: z.literal('image'),
  source: imageSourceSchema,
  cache_control: cacheControlSchema,
});

// A `content` document source holds text (and possibly image) blocks; only text survives in canonical.
const documentContentItemSchema = selectByType(
  { text: textBlockSchema, image: imageBlockSchema },
  { allowUnknown: true },
);

const documentSourceSchema = selectByType({
  base64: z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  text: z.object({ type: z.literal('text'), media_type: z.string().nullish(), data: z.string() }),
  content: z.object({ type: z.literal('content'), content: stringOrArray(documentContentItemSchema) }),
  url: z.object({ type: z.literal('url'), url: z.string() }),
  file: z.object({ type: z.literal('file'), file_id: z.string() }),
});

const documentBlockSchema = z.object({
  type: z.literal('document'),
  source: documentSourceSchema,
  title: z.string().nullish(),
  context: z.string().nullish(),
  cache_control: cacheControlSchema,
});

// tool_result content may also hold search_result and newer blocks: those stay out of canonical.
const toolResultItemSchema = selectByType(
  { text: textBlockSchema, image: imageBlockSchema, document: documentBlockSchema },
  { allowUnknown: true },
);

const contentBlockSchema = selectByType(
  {
    text: textBlockSchema,
    image: imageBlockSchema,
    document: documentBlockSchema,
    tool_use: z.object({
      type: z.literal('tool_use'),
      id: z.string(),
      name: z.string(),
      input: z.record(z.string(), z.unknown()),
      cache_control: cacheControlSchema,
    }),
    tool_result: z.object({
      type: z.literal('tool_result'),
      tool_use_id: z.string(),
      content: stringOrArray(toolResultItemSchema).nullish(),
      is_error: z.boolean().nullish(),
      cache_control: cacheControlSchema,
    }),
    thinking: z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
    redacted_thinking: z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
  },
  { allowUnknown: true },
);

const messageSchema = z.object({
  role: z.enum(['user', 'assistant', 'system']),
  content: stringOrArray(contentBlockSchema),
});

const systemSchema = stringOrArray(textBlockSchema).nullish();

const customToolSchema = z.object({
  type: z.literal('custom').nullish(),
  name: z.string().min(1),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()),
  strict: z.boolean().nullish(),
  cache_control: cacheControlSchema,
});

/** A server tool (`web_search_20250305`, `bash_20250124`, …): validated loosely, kept out of canonical tools. */
export interface ServerTool {
  type: string;
  server: true;
}

// A tool without `type` (or with `custom`) is a custom tool; any other type is a versioned server tool.
const toolSchema = z.unknown().transform((value, context): z.output<typeof customToolSchema> | ServerTool => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const type = (value as { type?: unknown }).type;
    if (typeof type === 'string' && type !== 'custom') return { type, server: true };
  }
  return runSchema(customToolSchema, value, context);
});

const disableParallelSchema = z.boolean().nullish();

const toolChoiceSchema = selectByType({
  auto: z.object({ type: z.literal('auto'), disable_parallel_tool_use: disableParallelSchema }),
  any: z.object({ type: z.literal('any'), disable_parallel_tool_use: disableParallelSchema }),
  tool: z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: disableParallelSchema }),
  none: z.object({ type: z.literal('none') }),
}).nullish();

// Newer thinking types pass (Anthropic upstreams get them from the original body).
const thinkingSchema = selectByType(
  {
    enabled: z.object({ type: z.literal('enabled'), budget_tokens: positiveInteger() }),
    disabled: z.object({ type: z.literal('disabled') }),
    adaptive: z.object({ type: z.literal('adaptive') }),
  },
  { allowUnknown: true },
).nullish();

const outputConfigSchema = z
  .looseObject({
    effort: z.string().nullish(),
    format: z
      .looseObject({
        type: z.string(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        name: z.string().nullish(),
      })
      .nullish(),
  })
  .nullish();

const baseRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: systemSchema,
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema,
  thinking: thinkingSchema,
  output_config: outputConfigSchema,
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.int().nonnegative().nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
});

/** POST /v1/messages: `max_tokens` is required. */
export const messagesRequestSchema = baseRequestSchema.extend({ max_tokens: positiveInteger() });

/** POST /v1/messages/count_tokens: no `max_tokens` needed (validated if sent), no streaming. */
export const countTokensRequestSchema = baseRequestSchema.extend({ max_tokens: positiveInteger().nullish() });

export type AnthropicRequestBody = z.output<typeof countTokensRequestSchema>;
export type AnthropicMessage = AnthropicRequestBody['messages'][number];
export type AnthropicContentBlock = Exclude<AnthropicMessage['content'], string>[number];
export type AnthropicTextBlock = z.output<typeof textBlockSchema>;
export type AnthropicImageBlock = z.output<typeof imageBlockSchema>;
export type AnthropicDocumentBlock = z.output<typeof documentBlockSchema>;
export type AnthropicCacheControl = z.output<typeof cacheControlSchema>;
