// Every dialect the simulator speaks, asked in order which one serves a path below /u/<name>.
// A new provider dialect (Bedrock, Vertex, Gemini) is one new file added to this list.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dialect, DialectOperation } from './dialect.js';
import { anthropicDialect } from './anthropic.js';
import { openaiDialect } from './openai.js';

// Anthropic first: it claims the shared GET /v1/models only for clients that send its headers.
export const dialects: readonly Dialect[] = [anthropicDialect, openaiDialect];

export interface FoundOperation {
  dialect: Dialect;
  operation: DialectOperation;
  pathRest: string;
}

export function findDialectOperation(method: string, path: string, headers: IncomingHttpHeaders): FoundOperation | undefined {
  for (const dialect of dialects) {
    const found = dialect.operation(method, path, headers);
    if (found) return { dialect, operation: found.operation, pathRest: found.pathRest };
  }
  return undefined;
}
