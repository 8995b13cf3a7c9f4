// The canonical non-streaming response.
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export type OutputBlock =
  | { type: 'text'; text: string }
  | { type: 'tool-call'; id: string; name: string; input: unknown }
  | { type: 'thinking'; text: string; signature?: string }
  | { type: 'redacted-thinking'; data: string };

export interface CanonicalResponse {
  /** The upstream's response id when it has one. */
  id?: string;
  /** The upstream's model id as it reported it. */
  upstreamModel?: string;
  content: OutputBlock[];
  finishReason: FinishReason;
  /** The provider's own stop / finish reason string. */
  rawFinishReason?: string;
  stopSequence?: string | null;
  usage: Usage;
}
