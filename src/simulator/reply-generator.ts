// The dialect-neutral reply of a simulated model. The reply depends only on the request, so the
// same request always gets the same answer, the way a model would give it: a tool call only when the
// conversation asks for one (the user's words name an offered tool, or the tool choice forces a call),
// text mentioning the result after a tool result, and otherwise a short text that echoes the start of
// the user's words followed by words picked by a hash of them. Offering tools is not asking for one:
// agents such as Claude Code offer dozens on every turn, and a model that called the first of them
// would loop forever. Dialects (dialects/*.ts) only render this reply in their wire format.
import { seededRandom } from '../util/random.js';
import { sampleToolInput } from './tool-input.js';
import { type DeferredTools, queryFrom, toolSearchName } from './deferred-tools.js';

export interface SimulatedTool {
  name: string;
  inputSchema: unknown;
}

export type SimulatedToolChoice =
  | { type: 'auto' }
  | { type: 'any' }
  | { type: 'tool'; name: string }
  | { type: 'none' };

/** The turn the model answers (system turns are skipped when finding it). */
export type LastTurn =
  | { kind: 'user-text'; text: string }
  | { kind: 'tool-result'; toolName?: string; text: string }
  | { kind: 'other' };

/** What every dialect extracts from its request before a reply is generated. */
export interface SimulatedRequest {
  model: string;
  stream: boolean;
  /** Output cap; undefined means unlimited. */
  maxTokens?: number;
  /** A text reply is made at least this long (an upstream set to answer at length). */
  minimumTokens?: number;
  stopSequences: string[];
  tools: SimulatedTool[];
  toolChoice: SimulatedToolChoice;
  lastTurn: LastTurn;
  inputTokens: number;
  /** Tools offered only by name, to be loaded with ToolSearch (Claude Code); absent for other clients. */
  deferredTools?: DeferredTools;
}

/** Each piece is one output token, so pacing and usage agree with what is on the wire. */
export type ReplyBlock =
  | { type: 'text'; text: string; pieces: string[] }
  | {
      type: 'tool-call';
      /** A stable hex key; each dialect prefixes it (`toolu_`, `call_`). */
      callKey: string;
      name: string;
      input: Record<string, unknown>;
      argumentsJson: string;
      pieces: string[];
    };

export type SimulatedStopReason = 'end-turn' | 'tool-use' | 'max-tokens' | 'stop-sequence';

export interface SimulatedReply {
  blocks: ReplyBlock[];
  stopReason: SimulatedStopReason;
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
}

const vocabulary = [
  'simulated',
  'upstream',
  'answer',
  'gateway',
  'request',
  'model',
  'token',
  'stream',
  'route',
  'health',
  'steady',
  'signal',
  'harbor',
  'lantern',
  'meadow',
  'copper',
  'river',
  'granite',
  'violet',
  'orbit',
  'canvas',
  'thunder',
  'maple',
  'silver',
  'comet',
  'ember',
  'prairie',
  'falcon',
  'willow',
  'cobalt',
  'summit',
  'breeze',
  'quartz',
  'island',
  'puzzle',
  'anchor',
  'beacon',
  'cedar',
  'delta',
  'echo',
  'fable',
  'glacier',
  'horizon',
  'ivory',
  'jasmine',
  'kernel',
  'ledger',
  'mosaic',
  'nectar',
  'oasis',
  'pepper',
  'quiver',
  'ripple',
  'saffron',
  'timber',
  'umber',
  'velvet',
  'wander',
  'yonder',
  'zephyr',
  'and',
  'the',
  'with',
  'for',
];

const echoWordLimit = 8;
const toolResultWordLimit = 12;
const argumentPieceLength = 8;

/** FNV-1a, 32 bits: cheap and stable across runs and platforms. */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Input tokens as providers roughly count them: about four characters a token. */
export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

function firstWords(text: string, limit: number): string[] {
  const words: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (word.length === 0) continue;
    words.push(word);
    if (words.length >= limit) break;
  }
  return words;
}

function pickWords(basis: string, minimum: number, spread: number): string[] {
  const random = seededRandom(hashText(basis));
  const count = minimum + Math.floor(random.next() * spread);
  const words: string[] = [];
  for (let index = 0; index < count; index += 1) {
    words.push(vocabulary[Math.floor(random.next() * vocabulary.length)] ?? 'token');
  }
  return words;
}

function toPieces(words: string[]): string[] {
  return words.map((word, index) => (index === 0 ? word : ` ${word}`));
}

function replyWords(lastTurn: LastTurn): string[] {
  if (lastTurn.kind === 'tool-result') {
    const result = firstWords(lastTurn.text, toolResultWordLimit);
    const name = lastTurn.toolName ? ` ${lastTurn.toolName}` : '';
    // As a model is told to (Claude Code's WebSearch result ends "You MUST include the sources"), the
    // answer names the links the result carried.
    const sources = [...new Set(lastTurn.text.match(/https?:\/\/[^\s"'<>\])]+/g) ?? [])].slice(0, 5);
    const cited = sources.length > 0 ? ['Sources:', ...sources] : [];
    return [...`The tool${name} returned:`.split(' '), ...result, ...pickWords(lastTurn.text, 4, 8), ...cited];
  }
  const text = lastTurn.kind === 'user-text' ? lastTurn.text : '';
  const echo = firstWords(text, echoWordLimit);
  const opening = echo.length > 0 ? ['You', 'said:', ...echo, '—'] : [];
  return [...opening, ...pickWords(text, 12, 20)];
}

function splitArguments(json: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += argumentPieceLength) {
    pieces.push(json.slice(start, start + argumentPieceLength));
  }
  return pieces;
}

/** Clients' own notes to the model (Claude Code's `<system-reminder>` blocks) are not the user asking. */
const systemReminder = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The offered tool the user's words name first (as a whole word, case as declared), if any. */
export function toolNamedIn(text: string, tools: SimulatedTool[]): SimulatedTool | undefined {
  const words = text.replace(systemReminder, ' ');
  let named: SimulatedTool | undefined;
  let namedAt = Number.POSITIVE_INFINITY;
  for (const tool of tools) {
    if (tool.name.length === 0) continue;
    const match = new RegExp(`(?<![\\w-])${escapeRegExp(tool.name)}(?![\\w-])`).exec(words);
    if (match && match.index < namedAt) {
      named = tool;
      namedAt = match.index;
    }
  }
  return named;
}

/** A tool to call, and the input to call it with when the sampled one would not do. */
interface ToolCall {
  tool: SimulatedTool;
  input?: Record<string, unknown>;
}

/**
 * Tool search (deferred-tools.ts): the user named a tool that is only listed as deferred → call
 * ToolSearch for it; the tool search answered and the named tool is now offered → call it.
 */
function deferredToolCall(request: SimulatedRequest): ToolCall | undefined {
  const deferred = request.deferredTools;
  if (deferred === undefined) return undefined;
  const lastTurn = request.lastTurn;
  if (lastTurn.kind === 'user-text') {
    const search = request.tools.find((tool) => tool.name === toolSearchName);
    const wanted = toolNamedIn(
      lastTurn.text,
      deferred.names.map((name) => ({ name, inputSchema: {} })),
    );
    if (search === undefined || wanted === undefined) return undefined;
    return { tool: search, input: { query: `select:${wanted.name}` } };
  }
  if (lastTurn.kind !== 'tool-result' || lastTurn.toolName !== toolSearchName) return undefined;
  const loaded = toolNamedIn(deferred.userText, request.tools);
  if (loaded === undefined || loaded.name === toolSearchName) return undefined;
  const input = sampleToolInput(loaded.inputSchema);
  if (typeof input.query === 'string') input.query = queryFrom(deferred.userText, loaded.name);
  return { tool: loaded, input };
}

function chooseTool(request: SimulatedRequest): ToolCall | undefined {
  if (request.tools.length === 0) return undefined;
  const choice = request.toolChoice;
  if (choice.type === 'none') return undefined;
  if (choice.type === 'tool') {
    const forced = request.tools.find((tool) => tool.name === choice.name);
    return forced && { tool: forced };
  }
  const lastTurn = request.lastTurn;
  const named = lastTurn.kind === 'user-text' ? toolNamedIn(lastTurn.text, request.tools) : undefined;
  if (named !== undefined) return { tool: named };
  const deferred = deferredToolCall(request);
  if (deferred !== undefined) return deferred;
  // `any` must call: the tool the user named, else the first offered. `auto` calls only a tool the user named.
  return choice.type === 'any' && request.tools[0] ? { tool: request.tools[0] } : undefined;
}

function toolCallReply(request: SimulatedRequest, call: ToolCall): SimulatedReply | undefined {
  const tool = call.tool;
  const input = call.input ?? sampleToolInput(tool.inputSchema);
  const argumentsJson = JSON.stringify(input);
  const pieces = splitArguments(argumentsJson);
  // A call that does not fit the output cap is answered as truncated text instead.
  if (request.maxTokens !== undefined && pieces.length > request.maxTokens) return undefined;
  const basis = `${request.lastTurn.kind === 'other' ? '' : request.lastTurn.text}\u0000${tool.name}`;
  const callKey =
    hashText(basis).toString(16).padStart(8, '0') + hashText(basis, 0x2545f491).toString(16).padStart(8, '0');
  return {
    blocks: [{ type: 'tool-call', callKey, name: tool.name, input, argumentsJson, pieces }],
    stopReason: 'tool-use',
    stopSequence: null,
    inputTokens: request.inputTokens,
    outputTokens: pieces.length,
  };
}

/** Keeps the pieces whose text lies before `cut` (the last one possibly shortened). */
function piecesBefore(pieces: string[], cut: number): string[] {
  const kept: string[] = [];
  let offset = 0;
  for (const piece of pieces) {
    if (offset >= cut) break;
    kept.push(offset + piece.length <= cut ? piece : piece.slice(0, cut - offset));
    offset += piece.length;
  }
  return kept;
}

function textReply(request: SimulatedRequest): SimulatedReply {
  const words = replyWords(request.lastTurn);
  // Long answers go on with more words drawn from the same seed, so they stay deterministic.
  if (request.minimumTokens !== undefined && words.length < request.minimumTokens) {
    const basis = request.lastTurn.kind === 'other' ? '' : request.lastTurn.text;
    const more = pickWords(basis, request.minimumTokens - words.length, 1);
    words.push(...more.slice(0, request.minimumTokens - words.length));
  }
  let pieces = toPieces(words);
  const fullText = pieces.join('');
  let stopReason: SimulatedStopReason = 'end-turn';
  let stopSequence: string | null = null;

  let stopAt = -1;
  for (const sequence of request.stopSequences) {
    if (sequence.length === 0) continue;
    const position = fullText.indexOf(sequence);
    if (position !== -1 && (stopAt === -1 || position < stopAt)) {
      stopAt = position;
      stopSequence = sequence;
    }
  }
  let tokenCut = Number.POSITIVE_INFINITY;
  if (request.maxTokens !== undefined && pieces.length > request.maxTokens) {
    tokenCut = pieces.slice(0, request.maxTokens).join('').length;
  }
  if (stopAt !== -1 && stopAt < tokenCut) {
    pieces = piecesBefore(pieces, stopAt);
    stopReason = 'stop-sequence';
  } else if (tokenCut !== Number.POSITIVE_INFINITY) {
    pieces = pieces.slice(0, request.maxTokens);
    stopReason = 'max-tokens';
    stopSequence = null;
  } else {
    stopSequence = null;
  }
  return {
    blocks: [{ type: 'text', text: pieces.join(''), pieces }],
    stopReason,
    stopSequence,
    inputTokens: request.inputTokens,
    outputTokens: pieces.length,
  };
}

export function generateReply(request: SimulatedRequest): SimulatedReply {
  const call = chooseTool(request);
  if (call) {
    const reply = toolCallReply(request, call);
    if (reply) return reply;
  }
  return textReply(request);
}
