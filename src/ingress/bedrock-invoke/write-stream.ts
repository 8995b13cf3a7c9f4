// Canonical stream events → Bedrock's InvokeModelWithResponseStream answer for Claude: the very event
// sequence the Anthropic writer produces (message_start … message_stop, ping, matching indices), each
// event re-framed as a binary event-stream `chunk` (docs/protocols/bedrock.md §3.4, §3.5). An in-band error
// becomes an exception frame instead, which the AWS SDKs and Anthropic's Bedrock SDK raise as an error.
// Reusing the Anthropic writer keeps one implementation of the event order both dialects depend on.
import type { ClientStreamWriter, StreamSink } from '../client-stream-writer.js';
import { createAnthropicStreamWriter } from '../anthropic-messages/write-stream.js';
import { scrubSecrets } from '../../util/scrub-secrets.js';
import { encodeChunkFrame, encodeExceptionFrame, exceptionTypeForAnthropicError } from './event-stream-frames.js';

export function createBedrockStreamWriter(sink: StreamSink, clientModel: string): ClientStreamWriter {
  return createAnthropicStreamWriter(createEventStreamSink(sink), clientModel);
}

/**
 * A sink that takes Anthropic SSE text and writes event-stream frames to `target`. The Anthropic writer
 * writes one whole event per call, but blocks are still split on their blank line so that a write
 * holding several events, or part of one, frames correctly.
 */
export function createEventStreamSink(target: StreamSink): StreamSink {
  let pending = '';
  return {
    write(chunk) {
      if (typeof chunk !== 'string') {
        target.write(chunk);
        return;
      }
      pending += chunk;
      let end = pending.indexOf('\n\n');
      while (end !== -1) {
        const frame = frameFor(pending.slice(0, end));
        if (frame !== undefined) target.write(frame);
        pending = pending.slice(end + 2);
        end = pending.indexOf('\n\n');
      }
    },
    end() {
      target.end();
    },
  };
}

/** One SSE block (`event: X` and `data: {…}` lines) → its frame; comments and empty blocks have none. */
function frameFor(block: string): Uint8Array | undefined {
  let eventName = '';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) eventName = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  if (data.length === 0) return undefined;
  const json = data.join('\n');
  if (eventName !== 'error') return encodeChunkFrame(json);
  const { type, message } = readError(json);
  // The message can carry upstream text; once framed in binary, no text scrubber downstream could read it.
  return encodeExceptionFrame(exceptionTypeForAnthropicError(type), scrubSecrets(message));
}

function readError(json: string): { type?: string; message: string } {
  try {
    const parsed = JSON.parse(json) as { error?: { type?: unknown; message?: unknown } };
    const type = typeof parsed.error?.type === 'string' ? parsed.error.type : undefined;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : 'the stream failed';
    return type === undefined ? { message } : { type, message };
  } catch {
    return { message: 'the stream failed' };
  }
}
