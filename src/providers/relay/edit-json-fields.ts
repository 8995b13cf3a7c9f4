// The relay lane forwards the client's own body text. When the gateway must set a field (the model a
// route resolved to, the stream flag, the usage option a stream needs, a platform's version field) or
// remove one (what Bedrock or Vertex do not accept), only that field's bytes change: every other value
// keeps the exact text the client sent — numbers past 2^53 (an OpenAI `seed`), `1.0`, escapes,
// whitespace — and a body of hundreds of KB (Claude Code's) is not re-serialised.
import type { OriginalRequest } from '../../canonical/request.js';

/** Where one top-level member of a JSON object sits in its text. */
interface Member {
  key: string;
  /** Index of the key's opening quote. */
  keyStart: number;
  valueStart: number;
  /** Index just past the value. */
  valueEnd: number;
}

const structural = /["{}[\]]/g;

function skipWhitespace(text: string, at: number): number {
  let index = at;
  for (;;) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return index;
    index += 1;
  }
}

/** Index just past the string whose opening quote is at `at`, or -1 when it never closes. */
function skipString(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the object or array that opens at `at` (strings inside skipped whole), or -1. */
function skipNested(text: string, at: number): number {
  let depth = 0;
  structural.lastIndex = at;
  for (;;) {
    const match = structural.exec(text);
    if (match === null) return -1;
    const char = match[0];
    if (char === '"') {
      const end = skipString(text, match.index);
      if (end === -1) return -1;
      structural.lastIndex = end;
    } else if (char === '{' || char === '[') {
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) return match.index + 1;
    }
  }
}

/** Index just past a number, true, false or null starting at `at`. */
function skipScalar(text: string, at: number): number {
  let index = at;
  for (;;) {
    const code = text.charCodeAt(index);
    // , } ] whitespace or the end of the text end a scalar.
    if (
      Number.isNaN(code) ||
      code === 44 ||
      code === 125 ||
      code === 93 ||
      code === 32 ||
      code === 10 ||
      code === 13 ||
      code === 9
    )
      return index;
    index += 1;
  }
}

function skipValue(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === 34) return skipString(text, at);
  if (code === 123 || code === 91) return skipNested(text, at);
  const end = skipScalar(text, at);
  return end === at ? -1 : end;
}

/**
 * The top-level members of a JSON object's text, in order, with where the object's closing brace is.
 * Undefined when the text is not one object (the caller then serialises the parsed body instead).
 * The text is known to parse: this only finds positions, it does not validate.
 */
function topLevelMembers(text: string): { members: Member[]; close: number } | undefined {
  let index = skipWhitespace(text, 0);
  if (text.charCodeAt(index) !== 123) return undefined;
  index = skipWhitespace(text, index + 1);
  const members: Member[] = [];
  if (text.charCodeAt(index) === 125) return { members, close: index };
  for (;;) {
    if (text.charCodeAt(index) !== 34) return undefined;
    const keyStart = index;
    const keyEnd = skipString(text, keyStart);
    if (keyEnd === -1) return undefined;
    const rawKey = text.slice(keyStart + 1, keyEnd - 1);
    const key = rawKey.includes('\\') ? (JSON.parse(text.slice(keyStart, keyEnd)) as string) : rawKey;
    index = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(index) !== 58) return undefined;
    const valueStart = skipWhitespace(text, index + 1);
    const valueEnd = skipValue(text, valueStart);
    if (valueEnd === -1) return undefined;
    members.push({ key, keyStart, valueStart, valueEnd });
    index = skipWhitespace(text, valueEnd);
    const next = text.charCodeAt(index);
    if (next === 125) return { members, close: index };
    if (next !== 44) return undefined;
    index = skipWhitespace(text, index + 1);
  }
}

/**
 * The object text with each field in `edits` set to its value (written as JSON), or removed when the
 * value is `undefined`; fields not yet present are appended. Undefined when the text is not a single
 * JSON object or names an edited field twice (which copy a server honours is its own choice).
 */
export function editJsonFields(text: string, edits: Record<string, unknown>): string | undefined {
  const found = topLevelMembers(text);
  if (found === undefined) return undefined;
  const { members, close } = found;
  const seen = new Set<string>();
  const parts: string[] = [text.slice(0, members[0]?.keyStart ?? close)];
  let kept = 0;
  for (let position = 0; position < members.length; position += 1) {
    const member = members[position]!;
    const edited = Object.hasOwn(edits, member.key);
    if (edited) {
      if (seen.has(member.key)) return undefined;
      seen.add(member.key);
      if (edits[member.key] === undefined) continue;
    }
    // Between two kept members: the separator (comma and whitespace) that preceded this one.
    if (kept > 0) parts.push(text.slice(members[position - 1]!.valueEnd, member.keyStart));
    kept += 1;
    parts.push(
      edited
        ? text.slice(member.keyStart, member.valueStart) + JSON.stringify(edits[member.key])
        : text.slice(member.keyStart, member.valueEnd),
    );
  }
  for (const [name, value] of Object.entries(edits)) {
    if (seen.has(name) || value === undefined) continue;
    parts.push(`${kept > 0 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`);
    kept += 1;
  }
  parts.push(text.slice(members.at(-1)?.valueEnd ?? close));
  return parts.join('');
}

/**
 * The text to send for `body`, a body built from the client's own (a shallow copy with fields set,
 * removed or added): the client's bytes with only the top-level fields that differ written in. A field
 * that still holds the very value the client sent keeps its bytes. Serialised when the client's text
 * no longer describes its body (an ingress reshaped it, a continuation extended it).
 */
export function forwardedText(original: OriginalRequest, body: Record<string, unknown>): string {
  const { received, body: sent } = original;
  if (received === undefined || received.body !== sent) return JSON.stringify(body);
  const edits: Record<string, unknown> = {};
  let edited = false;
  for (const key of Object.keys(sent)) {
    if (Object.hasOwn(body, key)) continue;
    edits[key] = undefined;
    edited = true;
  }
  for (const [key, value] of Object.entries(body)) {
    if (Object.hasOwn(sent, key) && sent[key] === value) continue;
    edits[key] = value;
    edited = true;
  }
  if (!edited) return received.text;
  return editJsonFields(received.text, edits) ?? JSON.stringify(body);
}
