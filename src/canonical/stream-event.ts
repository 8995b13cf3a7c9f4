// The canonical stream: a discriminated union of parts with block indices, produced by every
// provider adapter and consumed by every ingress writer. Block indices are the canonical ones
// (0, 1, 2… in order of appearance), so writers can map them one to one to Anthropic indices.
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';
import type { UpstreamError } from './errors.js';

export type BlockStart =
  | { type: 'text' }
  | { type: 'tool-call'; id: string; name: string }
  | { type: 'thinking' }
  | { type: 'redacted-thinking'; data: string };

export type CanonicalStreamEvent =
  /** The upstream accepted the request. Usage holds what is known of input so far. */
  | { type: 'message-start'; id?: string; upstreamModel?: string; usage?: Partial<Usage> }
  | { type: 'block-start'; index: number; block: BlockStart }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'tool-input-delta'; index: number; partialJson: string }
  | { type: 'thinking-delta'; index: number; text: string }
  | { type: 'signature-delta'; index: number; signature: string }
  | { type: 'block-end'; index: number }
  /** Always last on a stream that completed. Usage is cumulative and final. */
  | {
      type: 'finish';
      reason: FinishReason;
      rawReason?: string;
      stopSequence?: string | null;
      usage: Usage;
    }
  /**
   * The upstream failed mid-stream (an SSE `error` event, an exception frame, an `error` chunk). On the
   * relay lane `relayed` holds the upstream's own error event, which the client receives unchanged.
   */
  | { type: 'error'; error: UpstreamError; relayed?: string }
  /**
   * Relay lane: one upstream event exactly as it came (its SSE text, terminator included), for a
   * client that speaks the upstream's format. `content` marks events that put content in front of
   * the client (after the first one the stream can no longer fail over).
   */
  | { type: 'relay'; data: string; content: boolean };

/** Events that put content in front of the client: after the first one, a stream can no longer fail over. */
export function isContentEvent(event: CanonicalStreamEvent): boolean {
  if (event.type === 'relay') return event.content;
  return (
    event.type === 'block-start' ||
    event.type === 'text-delta' ||
    event.type === 'tool-input-delta' ||
    event.type === 'thinking-delta' ||
    event.type === 'finish'
  );
}
