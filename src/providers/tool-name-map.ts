// Providers limit tool names (OpenAI and Bedrock: ^[a-zA-Z0-9_-]{1,64}$; Gemini: a letter or `_` first,
// then letters, digits, `_ . : -`, at most 64); Anthropic clients send longer MCP names and names with
// dots. The map is rebuilt from the canonical request on both legs (buildRequest and parseResponse /
// parseStream receive the same request), so a changed tool is changed back without kept state.
import type { CanonicalRequest } from '../canonical/request.js';

const maximumLength = 64;

export interface ToolNameMap {
  /** The name sent upstream for a canonical tool name. */
  toWire(name: string): string;
  /** The canonical name for a name the upstream answered with (unknown names pass through). */
  fromWire(name: string): string;
}

export interface ToolNameRules {
  /** Names the provider accepts as they are. */
  valid: RegExp;
  /** Turns any other name into one the provider accepts (before shortening). */
  sanitize(name: string): string;
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable across processes, no dependency. */
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

export function createToolNameMapWith(rules: ToolNameRules, request: CanonicalRequest): ToolNameMap {
  const unique = [...new Set(namesInRequest(request))];
  const wireByName = new Map<string, string>();
  const nameByWire = new Map<string, string>();
  // Valid names keep themselves and are claimed first, so a rewritten name can never take one.
  for (const name of unique.filter((candidate) => rules.valid.test(candidate))) {
    wireByName.set(name, name);
    nameByWire.set(name, name);
  }
  for (const name of unique.filter((candidate) => !rules.valid.test(candidate))) {
    const base = rules.sanitize(name);
    let wire = base.length <= maximumLength ? base : `${base.slice(0, maximumLength - 9)}_${shortHash(name, 0)}`;
    for (let salt = 1; nameByWire.has(wire); salt++)
      wire = `${base.slice(0, maximumLength - 9)}_${shortHash(name, salt)}`;
    wireByName.set(name, wire);
    nameByWire.set(wire, name);
  }
  return {
    toWire: (name) => wireByName.get(name) ?? name,
    fromWire: (name) => nameByWire.get(name) ?? name,
  };
}
