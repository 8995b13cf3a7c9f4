// Canonical stream events → OpenAI `chat.completion.chunk` SSE (docs/protocols/ §2.3, §6.4.6).
// Only `data:` lines; the same id and created on every chunk; a first delta with the role and a
// final chunk with finish_reason (openai-node's stream helper throws without either, §9); the
// usage chunk with `choices: []` when asked for; then `[DONE]`. Errors go in-band as an
// `{"error": …}` chunk and end the stream without `[DONE]`, so no client mistakes a failure for
// a finished answer. Thinking text goes out as the non-standard `delta.reasoning_content`.
import type { GatewayError } from '../../canonical/gateway-error.js';
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';
import type { ClientStreamWriter, StreamSink } from '../client-stream-writer.js';
import { chatCompletionIdFor } from './chat-completion-id.js';
import { gatewayErrorFromUpstream } from './gateway-error-from-upstream.js';
import { mapFinishReasonToOpenAI, type OpenAIFinishReason } from './map-finish-reason.js';
import { toOpenAIUsage } from './openai-usage.js';
import { openAIStreamErrorChunk } from './write-error.js';

export interface OpenAIChatStreamOptions {
  includeUsage: boolean;
  createdSeconds: number;
  /** A fixed chunk id (tests); otherwise the upstream's chatcmpl- id or a generated one. */
  id?: string;
}

export function createOpenAIChatStreamWriter(
  sink: StreamSink,
  clientModel: string,
  options: OpenAIChatStreamOptions,
): ClientStreamWriter {
  let id = options.id;
  let started = false;
  let done = false;
  // OpenAI numbers tool calls 0, 1, 2…; canonical block indices also count text and thinking blocks.
  const toolCallIndexByBlock = new Map<number, number>();

  function chunkId(): string {
    id ??= chatCompletionIdFor(undefined);
    return id;
  }

  function writeData(payload: Record<string, unknown>): void {
    sink.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  function writeChunk(delta: Record<string, unknown>, finishReason: OpenAIFinishReason | null = null): void {
    const chunk: Record<string, unknown> = {
      id: chunkId(),
      object: 'chat.completion.chunk',
      created: options.createdSeconds,
      model: clientModel,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    };
    if (options.includeUsage) chunk.usage = null;
    writeData(chunk);
  }

  function ensureStarted(): void {
    if (started) return;
    started = true;
    writeChunk({ role: 'assistant', content: '' });
  }

  function end(): void {
    done = true;
    sink.end();
  }

  function fail(error: GatewayError): void {
    if (done) return;
    sink.write(openAIStreamErrorChunk(error));
    end();
  }

  function finish(event: Extract<CanonicalStreamEvent, { type: 'finish' }>): void {
    ensureStarted();
    writeChunk({}, mapFinishReasonToOpenAI(event.reason));
    if (options.includeUsage) {
      writeData({
        id: chunkId(),
        object: 'chat.completion.chunk',
        created: options.createdSeconds,
        model: clientModel,
        choices: [],
        usage: toOpenAIUsage(event.usage),
      });
    }
    sink.write('data: [DONE]\n\n');
    end();
  }

  function write(event: CanonicalStreamEvent): void {
    if (done) return;
    switch (event.type) {
      case 'message-start':
        if (id === undefined) id = chatCompletionIdFor(event.id);
        ensureStarted();
        return;
      case 'block-start':
        ensureStarted();
        if (event.block.type === 'tool-call') {
          const toolCallIndex = toolCallIndexByBlock.size;
          toolCallIndexByBlock.set(event.index, toolCallIndex);
          writeChunk({
            tool_calls: [
              {
                index: toolCallIndex,
                id: event.block.id,
                type: 'function',
                function: { name: event.block.name, arguments: '' },
              },
            ],
          });
        }
        return;
      case 'text-delta':
        if (event.text === '') return;
        ensureStarted();
        writeChunk({ content: event.text });
        return;
      case 'tool-input-delta': {
        const toolCallIndex = toolCallIndexByBlock.get(event.index);
        // A fragment for a block that never started has no call to attach to.
        if (toolCallIndex === undefined || event.partialJson === '') return;
        writeChunk({ tool_calls: [{ index: toolCallIndex, function: { arguments: event.partialJson } }] });
        return;
      }
      case 'thinking-delta':
        if (event.text === '') return;
        ensureStarted();
        writeChunk({ reasoning_content: event.text });
        return;
      case 'signature-delta':
      case 'block-end':
        return;
      case 'finish':
        finish(event);
        return;
      case 'error':
        fail(gatewayErrorFromUpstream(event.error));
        return;
    }
  }

  return {
    write,
    fail,
    ping() {
      if (!done) sink.write(': ping\n\n');
    },
    get done() {
      return done;
    },
  };
}
