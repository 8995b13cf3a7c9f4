// Anthropic's server-side web search, simulated (docs/protocols/anthropic-messages.md): when a request
// offers the `web_search_…` server tool and the user's words ask for a web search (name the tool, or
// say "web search"), the model answers with a `server_tool_use` block, the provider's
// `web_search_tool_result` with its sources, and text citing them — in JSON, and in SSE with the
// query as input_json_delta and each citation as a `citations_delta`. Usage carries
// `server_tool_use.web_search_requests`. Results depend only on the query, like every simulated reply.
import { hashText, type SimulatedRequest } from '../reply-generator.js';
import { anthropicMessageId, anthropicMessageStart } from './anthropic-render.js';
import { isRecord } from '../../util/wire-values.js';

interface SearchSource {
  url: string;
  title: string;
  pageAge: string;
  citedText: string;
}

export interface WebSearchReply {
  toolUseId: string;
  toolName: string;
  query: string;
  sources: SearchSource[];
  /** Each text block cites one source (index into sources), or none. */
  texts: Array<{ text: string; source?: number }>;
  inputTokens: number;
  outputTokens: number;
}

const topics = ['lighthouses', 'harbors', 'glaciers', 'comets', 'meadows', 'orbits', 'cedars', 'rivers'];

/** The name of the web search server tool this request offers, if any. */
function webSearchToolName(body: Record<string, unknown>): string | undefined {
  if (!Array.isArray(body.tools)) return undefined;
  for (const tool of body.tools) {
    if (isRecord(tool) && typeof tool.type === 'string' && tool.type.startsWith('web_search_'))
      return typeof tool.name === 'string' ? tool.name : 'web_search';
  }
  return undefined;
}

/** "Perform a web search for the query: X" (Claude Code's WebSearch) → X; otherwise the user's words. */
function queryOf(text: string): string {
  const match = /query:\s*(.+)$/im.exec(text);
  return (match?.[1] ?? text).trim().slice(0, 200) || 'switchyard';
}

export function webSearchReply(body: Record<string, unknown>, request: SimulatedRequest): WebSearchReply | undefined {
  const toolName = webSearchToolName(body);
  if (toolName === undefined || request.lastTurn.kind !== 'user-text') return undefined;
  if (request.toolChoice.type === 'none') return undefined;
  const text = request.lastTurn.text;
  const named = new RegExp(`(?<![\\w-])${toolName}(?![\\w-])`).test(text) || /web search/i.test(text);
  const forced = request.toolChoice.type === 'tool' && request.toolChoice.name === toolName;
  if (!named && !forced) return undefined;
  const query = queryOf(text);
  const key = hashText(query).toString(16).padStart(8, '0');
  const topic = topics[hashText(query) % topics.length]!;
  const sources: SearchSource[] = [0, 1].map((index) => ({
    url: `https://example.org/${topic}/${key}-${index + 1}`,
    title: `${topic[0]!.toUpperCase()}${topic.slice(1)} guide, part ${index + 1}`,
    pageAge: `${index + 2} days ago`,
    citedText: `A simulated source about ${topic}, number ${index + 1}, found for "${query.slice(0, 40)}".`,
  }));
  const texts = [
    { text: `Here is what the web says about ${query.slice(0, 60)}. ` },
    { text: `The first source covers ${topic}`, source: 0 },
    { text: ', and ' },
    { text: `the second adds more on ${topic}`, source: 1 },
    { text: '.' },
  ];
  const outputTokens = texts.reduce((sum, block) => sum + block.text.split(' ').length, 0) + 8;
  return {
    toolUseId: `srvtoolu_sim_${key}`,
    toolName,
    query,
    sources,
    texts,
    inputTokens: request.inputTokens,
    outputTokens,
  };
}

function citation(source: SearchSource, index: number) {
  return {
    type: 'web_search_result_location',
    url: source.url,
    title: source.title,
    encrypted_index: Buffer.from(`sim-index-${index}`).toString('base64'),
    cited_text: source.citedText,
  };
}

function resultBlock(reply: WebSearchReply) {
  return {
    type: 'web_search_tool_result',
    tool_use_id: reply.toolUseId,
    content: reply.sources.map((source, index) => ({
      type: 'web_search_result',
      url: source.url,
      title: source.title,
      encrypted_content: Buffer.from(`sim-content-${index}-${source.url}`).toString('base64'),
      page_age: source.pageAge,
    })),
  };
}

function usage(reply: WebSearchReply, outputTokens: number) {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    server_tool_use: { web_search_requests: 1 },
  };
}

function textBlock(block: WebSearchReply['texts'][number], reply: WebSearchReply) {
  return block.source === undefined
    ? { type: 'text', text: block.text }
    : { type: 'text', text: block.text, citations: [citation(reply.sources[block.source]!, block.source)] };
}

export function webSearchMessageBody(reply: WebSearchReply, model: string, sequence: number): Record<string, unknown> {
  return {
    id: anthropicMessageId(sequence),
    type: 'message',
    role: 'assistant',
    model,
    content: [
      { type: 'server_tool_use', id: reply.toolUseId, name: reply.toolName, input: { query: reply.query } },
      resultBlock(reply),
      ...reply.texts.map((block) => textBlock(block, reply)),
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usage(reply, reply.outputTokens),
  };
}

/** The stream events, in the order the API sends them (each `type` is also its SSE event name). */
export function webSearchStreamEvents(
  reply: WebSearchReply,
  model: string,
  sequence: number,
): Array<{ type: string } & Record<string, unknown>> {
  const events: Array<{ type: string } & Record<string, unknown>> = [];
  events.push(anthropicMessageStart(sequence, model, usage(reply, 1)));
  events.push({
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'server_tool_use', id: reply.toolUseId, name: reply.toolName, input: {} },
  });
  events.push({ type: 'ping' });
  events.push({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'input_json_delta', partial_json: JSON.stringify({ query: reply.query }) },
  });
  events.push({ type: 'content_block_stop', index: 0 });
  events.push({ type: 'content_block_start', index: 1, content_block: resultBlock(reply) });
  events.push({ type: 'content_block_stop', index: 1 });
  reply.texts.forEach((block, offset) => {
    const index = offset + 2;
    events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    if (block.source !== undefined)
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'citations_delta', citation: citation(reply.sources[block.source]!, block.source) },
      });
    events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    events.push({ type: 'content_block_stop', index });
  });
  events.push({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: usage(reply, reply.outputTokens),
  });
  events.push({ type: 'message_stop' });
  return events;
}
