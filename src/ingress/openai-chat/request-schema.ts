// The zod schema of an OpenAI Chat Completions request body (docs/protocols/openai-chat.md §2.1).
// Unknown fields are accepted and ignored here (the raw body travels on as `original`), and
// optional fields accept `null`, which several SDKs send for "not given". Branches that
// Switchyard refuses (input_audio parts, the `function` role) are still modelled so that the
// converter can answer them with a precise message instead of a generic union failure.
import { z } from 'zod';

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });

const refusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() });

const imageUrlPartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.string().nullish() }),
});

const inputAudioPartSchema = z.object({ type: z.literal('input_audio') });

const filePartSchema = z.object({
  type: z.literal('file'),
  file: z.object({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});

/** A string or an array of parts; the custom message covers the case where neither shape fits at all. */
function stringOrParts<Part extends z.ZodType>(part: Part) {
  return z.union([z.string(), z.array(part)], { error: 'expected a string or an array of content parts' });
}

const textOnlyContentSchema = stringOrParts(
  z.discriminatedUnion('type', [textPartSchema], { error: "only 'text' content parts are allowed here" }),
);

const userPartSchema = z.discriminatedUnion(
  'type',
  [textPartSchema, imageUrlPartSchema, inputAudioPartSchema, filePartSchema],
  {
    error: "expected a content part of type 'text', 'image_url', 'file' or 'input_audio'",
  },
);

const assistantPartSchema = z.discriminatedUnion('type', [textPartSchema, refusalPartSchema], {
  error: "expected a content part of type 'text' or 'refusal'",
});

const toolCallSchema = z.object({
  id: z.string().min(1),
  // Some clients omit `type`; `custom` tool calls are not supported.
  type: z.literal('function', { error: "only tool calls of type 'function' are supported" }).optional(),
  function: z.object({
    name: z.string().min(1),
    // A JSON string per the spec; a few clients send the object itself, which we take as is.
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())], {
      error: 'expected a JSON string',
    }),
  }),
});

const systemMessageSchema = z.object({ role: z.literal('system'), content: textOnlyContentSchema });
const developerMessageSchema = z.object({ role: z.literal('developer'), content: textOnlyContentSchema });
const userMessageSchema = z.object({ role: z.literal('user'), content: stringOrParts(userPartSchema) });
const assistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: stringOrParts(assistantPartSchema).nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
});
const toolMessageSchema = z.object({
  role: z.literal('tool'),
  tool_call_id: z.string().min(1),
  content: textOnlyContentSchema,
});
const functionMessageSchema = z.object({ role: z.literal('function') });

const messageSchema = z.discriminatedUnion(
  'role',
  [
    systemMessageSchema,
    developerMessageSchema,
    userMessageSchema,
    assistantMessageSchema,
    toolMessageSchema,
    functionMessageSchema,
  ],
  { error: "expected a role of 'system', 'developer', 'user', 'assistant' or 'tool'" },
);

const toolSchema = z.object({
  type: z.literal('function', {
    error: (issue) => (issue.input === undefined ? undefined : "only tools of type 'function' are supported"),
  }),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
  ],
  { error: "expected 'none', 'auto', 'required' or {type: 'function', function: {name}}" },
);

const responseFormatSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({
        name: z.string().min(1),
        description: z.string().nullish(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  { error: "expected a response_format of type 'text', 'json_object' or 'json_schema'" },
);

export const openAIChatRequestSchema = z.object(
  {
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1, { error: 'must contain at least one message' }),
    tools: z.array(toolSchema).nullish(),
    tool_choice: toolChoiceSchema.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    max_tokens: z.number().int().positive().nullish(),
    n: z.number().int().positive().nullish(),
    stop: z.union([z.string(), z.array(z.string())], { error: 'expected a string or an array of strings' }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    response_format: responseFormatSchema.nullish(),
    reasoning_effort: z.string().nullish(),
    user: z.string().nullish(),
    safety_identifier: z.string().nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  },
  { error: 'the request body must be a JSON object' },
);

export type OpenAIChatRequestBody = z.infer<typeof openAIChatRequestSchema>;
export type OpenAIChatMessage = z.infer<typeof messageSchema>;
export type OpenAIUserContentPart = z.infer<typeof userPartSchema>;
export type OpenAIAssistantMessage = z.infer<typeof assistantMessageSchema>;
export type OpenAITextContent = z.infer<typeof textOnlyContentSchema>;
