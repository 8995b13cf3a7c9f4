// Gemini function names must start with a letter or underscore and use only letters, digits, `_`,
// `.`, `:` and `-`, at most 64 of them. Anthropic clients may send longer MCP tool names. The map is
// rebuilt from the canonical request on both legs (buildRequest and parseResponse / parseStream get
// the same request), so a renamed tool is renamed back without keeping state between the calls.
import type { CanonicalRequest } from '../../canonical/request.js';

const validFunctionName = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
const maximumLength = 64;

export interface GeminiToolNameMap {
  /** The name sent upstream for a canonical tool name. */
  toWire(name: string): string;
  /** The canonical name for a name Gemini answered with (unknown names pass through). */
  fromWire(name: string): string;
}

/** FNV-1a, 32 bits, as 8 hex digits: short and stable across processes. */
function shortHash(text: string, salt: number): string {
  let hash = 0x811c9dc5 ^ salt;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function namesInRequest(request: CanonicalRequest): string[] {
  const names: string[] = [];
  for (const tool of request.tools ?? []) names.push(tool.name);
  if (request.toolChoice?.type === 'tool') names.push(request.toolChoice.name);
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === 'tool-call') names.push(part.name);
  }
  return names;
}

export function createGeminiToolNameMap(request: CanonicalRequest): GeminiToolNameMap {
  const unique = [...new Set(namesInRequest(request))];
  const wireByName = new Map<string, string>();
  const nameByWire = new Map<string, string>();
  // Valid names keep themselves and are claimed first, so a rewritten name can never take one.
  for (const name of unique.filter((candidate) => validFunctionName.test(candidate))) {
    wireByName.set(name, name);
    nameByWire.set(name, name);
  }
  for (const name of unique.filter((candidate) => !validFunctionName.test(candidate))) {
    let base = name.replace(/[^a-zA-Z0-9_.:-]/g, '_');
    if (!/^[a-zA-Z_]/.test(base)) base = `_${base}`;
    let wire = base.length <= maximumLength ? base : `${base.slice(0, maximumLength - 9)}_${shortHash(name, 0)}`;
    for (let salt = 1; nameByWire.has(wire); salt++) wire = `${base.slice(0, maximumLength - 9)}_${shortHash(name, salt)}`;
    wireByName.set(name, wire);
    nameByWire.set(wire, name);
  }
  return {
    toWire: (name) => wireByName.get(name) ?? name,
    fromWire: (name) => nameByWire.get(name) ?? name,
  };
}
