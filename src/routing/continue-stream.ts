// Continuation of a stream that broke after content (a route with `continuation: on`): the original
// request plus the text the client already has, as an assistant prefill, goes to another deployment
// that declares prefill support, and its answer is spliced into the same client stream — its
// message-start dropped, its first text block merged into the open one, later blocks renumbered, no
// text sent twice, usage summed. What cannot be continued honestly ends the stream with an in-band
// error carrying the ORIGINAL cause: a cut inside a tool call, thinking already shown (a prefill cannot
// carry it), a failure no other deployment would change, or no deployment able to take it on.
import { UpstreamError } from '../canonical/errors.js';
import type { CanonicalMessage, CanonicalRequest } from '../canonical/request.js';
import type { BlockStart, CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { Usage } from '../canonical/usage.js';
import { outcomePolicies } from '../health/outcome-policy.js';
import { streamEndedEarly } from '../providers/attempt-failure.js';

export interface ContinueStreamOptions {
  request: CanonicalRequest;
  /** Starts the continuation on another deployment; undefined when none can take it. */
  resume: (request: CanonicalRequest) => Promise<AsyncIterable<CanonicalStreamEvent> | undefined>;
  /** Called for each continuation that was spliced in (for headers of later requests, metrics). */
  onContinued?: () => void;
}

/** What the client has been sent so far. */
class Transcript {
  readonly blocks = new Map<number, BlockStart['type']>();
  readonly open = new Set<number>();
  text = '';
  lastIndex = -1;
  inputUsage: Partial<Usage> | undefined;

  note(event: CanonicalStreamEvent): void {
    switch (event.type) {
      case 'message-start':
        this.inputUsage ??= event.usage;
        return;
      case 'block-start':
        this.blocks.set(event.index, event.block.type);
        this.open.add(event.index);
        this.lastIndex = Math.max(this.lastIndex, event.index);
        return;
      case 'block-end':
        this.open.delete(event.index);
        return;
      case 'text-delta':
        this.text += event.text;
        return;
      default:
        return;
    }
  }

  /** Why the stream cannot be continued from here, if it cannot. */
  refusal(): string | undefined {
    const types = [...this.blocks.values()];
    if ([...this.open].some((index) => this.blocks.get(index) === 'tool-call'))
      return 'the stream broke inside a tool call';
    if (types.some((type) => type !== 'text'))
      return 'a tool call or thinking was already sent, which a prefill cannot carry';
    if (this.text.trim() === '') return 'no text was sent to continue from';
    return undefined;
  }

  openTextIndex(): number | undefined {
    for (const index of this.open) if (this.blocks.get(index) === 'text') return index;
    return undefined;
  }
}

/** The continuation request: the original one with the text already sent as the assistant's prefill. */
export function continuationRequest(request: CanonicalRequest, sentText: string): CanonicalRequest {
  const messages = [...request.messages];
  const last = messages.at(-1);
  let prefill = sentText;
  // A client prefill of its own is part of what the answer continues.
  if (last?.role === 'assistant' && last.content.every((part) => part.type === 'text')) {
    messages.pop();
    prefill = last.content.map((part) => (part.type === 'text' ? part.text : '')).join('') + sentText;
  }
  // Prefills may not end in whitespace (Anthropic refuses them); the splice drops it from the answer instead.
  const trimmed = prefill.trimEnd();
  const assistant: CanonicalMessage = { role: 'assistant', content: [{ type: 'text', text: trimmed }] };
  messages.push(assistant);
  const body = request.original.body;
  const originalMessages = Array.isArray(body.messages) ? [...(body.messages as unknown[])] : [];
  const lastOriginal = originalMessages.at(-1) as { role?: unknown } | undefined;
  if (lastOriginal?.role === 'assistant' && last?.role === 'assistant') originalMessages.pop();
  originalMessages.push({ role: 'assistant', content: trimmed });
  return { ...request, messages, original: { ...request.original, body: { ...body, messages: originalMessages } } };
}

/** Maps a continuation's events into the client's stream. */
class Splice {
  private readonly indexMap = new Map<number, number>();
  private mergedFirst = false;
  private stripLeadingWhitespace: boolean;
  /** Text of the parts that broke off, all of what the client has when this continuation starts. */
  private readonly brokenChars: number;

  constructor(private readonly transcript: Transcript) {
    this.stripLeadingWhitespace = /\s$/.test(transcript.text);
    this.brokenChars = transcript.text.length;
  }

  map(event: CanonicalStreamEvent): CanonicalStreamEvent[] {
    switch (event.type) {
      case 'message-start':
        return [];
      case 'block-start': {
        const open = this.transcript.openTextIndex();
        if (!this.mergedFirst && open !== undefined && event.block.type === 'text') {
          this.mergedFirst = true;
          this.indexMap.set(event.index, open);
          return [];
        }
        this.mergedFirst = true;
        const out: CanonicalStreamEvent[] = [];
        if (open !== undefined) out.push({ type: 'block-end', index: open });
        const index = this.transcript.lastIndex + 1;
        this.indexMap.set(event.index, index);
        out.push({ ...event, index });
        return out;
      }
      case 'text-delta': {
        let text = event.text;
        if (this.stripLeadingWhitespace) {
          text = text.replace(/^\s+/, '');
          if (text === '') return [];
          this.stripLeadingWhitespace = false;
        }
        return [{ ...event, text, index: this.index(event.index) }];
      }
      case 'tool-input-delta':
      case 'thinking-delta':
      case 'signature-delta':
      case 'block-end':
        return [{ ...event, index: this.index(event.index) }];
      case 'finish':
        return [{ ...event, usage: this.usage(event.usage) }];
      case 'error':
        return [event];
      // Relayed bytes never reach a continuation: the router does not continue relayed streams.
      case 'relay':
        return [];
    }
  }

  private index(upstream: number): number {
    return this.indexMap.get(upstream) ?? upstream + this.transcript.lastIndex + 1;
  }

  /**
   * The whole answer's usage: the original input, plus the output of the parts that broke off (they
   * never sent a final count: estimated at four characters a token) and the continuation's own.
   */
  private usage(continuation: Usage): Usage {
    const input = this.transcript.inputUsage;
    return {
      inputTokens: input?.inputTokens ?? continuation.inputTokens,
      outputTokens: Math.ceil(this.brokenChars / 4) + continuation.outputTokens,
      cacheReadTokens: input?.cacheReadTokens ?? continuation.cacheReadTokens,
      cacheWriteTokens: input?.cacheWriteTokens ?? continuation.cacheWriteTokens,
    };
  }
}

/** The original failure, saying why it was not continued. */
function notContinued(failure: UpstreamError, why: string): UpstreamError {
  return new UpstreamError({
    kind: failure.kind,
    message: `${failure.message} (not continued: ${why})`,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.providerCode !== undefined ? { providerCode: failure.providerCode } : {}),
  });
}

export async function* continueStream(
  events: AsyncIterable<CanonicalStreamEvent>,
  options: ContinueStreamOptions,
): AsyncGenerator<CanonicalStreamEvent> {
  const transcript = new Transcript();
  let source = events;
  let splice: Splice | undefined;
  let original: UpstreamError | undefined;
  for (;;) {
    let failure: UpstreamError | undefined;
    for await (const upstream of source) {
      for (const event of splice ? splice.map(upstream) : [upstream]) {
        if (event.type === 'error') {
          failure = event.error;
          break;
        }
        if (event.type === 'finish') {
          yield event;
          return;
        }
        transcript.note(event);
        yield event;
      }
      if (failure) break;
    }
    failure ??= streamEndedEarly();
    original ??= failure;
    const refusal = transcript.refusal();
    if (refusal) {
      yield { type: 'error', error: notContinued(original, refusal) };
      return;
    }
    const policy = outcomePolicies[failure.kind];
    if (!policy.failover || failure.kind === 'context-length' || failure.kind === 'client-aborted') {
      yield { type: 'error', error: failure };
      return;
    }
    const next = await options.resume(continuationRequest(options.request, transcript.text));
    if (!next) {
      yield {
        type: 'error',
        error: notContinued(original, 'no other deployment that supports prefill could take it on'),
      };
      return;
    }
    options.onContinued?.();
    splice = new Splice(transcript);
    source = next;
  }
}
