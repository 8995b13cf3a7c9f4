// Gemini function names must start with a letter or underscore and use only letters, digits, `_`,
// `.`, `:` and `-`, at most 64 of them.
import type { CanonicalRequest } from '../../canonical/request.js';
import { createToolNameMapWith, type ToolNameMap, type ToolNameRules } from '../tool-name-map.js';

export type GeminiToolNameMap = ToolNameMap;

const geminiToolNames: ToolNameRules = {
  valid: /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/,
  sanitize: (name) => {
    const base = name.replace(/[^a-zA-Z0-9_.:-]/g, '_');
    return /^[a-zA-Z_]/.test(base) ? base : `_${base}`;
  },
};

export function createGeminiToolNameMap(request: CanonicalRequest): GeminiToolNameMap {
  return createToolNameMapWith(geminiToolNames, request);
}
