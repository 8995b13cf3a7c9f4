// OpenAI (and Bedrock) tool names must match ^[a-zA-Z0-9_-]{1,64}$ (docs/protocols/translation.md §6.5).
import type { CanonicalRequest } from '../../canonical/request.js';
import { createToolNameMapWith, type ToolNameMap, type ToolNameRules } from '../tool-name-map.js';

export type { ToolNameMap } from '../tool-name-map.js';

const openaiToolNames: ToolNameRules = {
  valid: /^[a-zA-Z0-9_-]{1,64}$/,
  sanitize: (name) => name.replace(/[^a-zA-Z0-9_-]/g, '_') || 'tool',
};

export function createToolNameMap(request: CanonicalRequest): ToolNameMap {
  return createToolNameMapWith(openaiToolNames, request);
}
