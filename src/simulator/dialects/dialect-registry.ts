// Every dialect the simulator speaks, asked in order which one serves a path below /u/<name>.
// A new provider dialect is one new file added to this list. Their paths do not overlap, except
// GET /v1/models, which Anthropic and OpenAI share (the Gemini API lists under /v1beta/models).
import type { IncomingHttpHeaders } from 'node:http';
import type { Dialect, DialectOperation } from './dialect.js';
import { anthropicDialect } from './anthropic.js';
import { bedrockDialect } from './bedrock.js';
import { geminiDialect } from './gemini.js';
import { openaiDialect } from './openai.js';
import { vertexClaudeDialect, vertexGeminiDialect } from './vertex.js';

// Anthropic first: it claims the shared GET /v1/models only for clients that send its headers.
export const dialects: readonly Dialect[] = [
  anthropicDialect,
  openaiDialect,
  bedrockDialect,
  vertexClaudeDialect,
  vertexGeminiDialect,
  geminiDialect,
];

export interface FoundOperation {
  dialect: Dialect;
  operation: DialectOperation;
  pathRest: string;
}

export function findDialectOperation(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
): FoundOperation | undefined {
  for (const dialect of dialects) {
    const found = dialect.operation(method, path, headers);
    if (found) return { dialect, operation: found.operation, pathRest: found.pathRest };
  }
  return undefined;
}
