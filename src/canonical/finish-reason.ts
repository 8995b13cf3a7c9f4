// Why generation stopped, unified across providers (docs/protocols/translation.md §6.2).
// Each adapter maps its raw reason here and keeps the raw one beside it.

export type FinishReason =
  | 'end-turn'
  | 'stop-sequence'
  | 'max-tokens'
  | 'tool-use'
  | 'content-filter'
  | 'pause-turn'
  | 'context-window-exceeded'
  | 'other';
