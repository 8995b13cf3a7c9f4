// 400 errors for OpenAI-format requests. Every message names the field at fault, and `param`
// carries the same path (`messages[1].content[0].image_url.url`), as OpenAI does in error.param.
import type { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';

type PathSegment = PropertyKey;

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** A 400 SWITCHYARD_INVALID_REQUEST about one field. */
export function invalidRequest(path: readonly PathSegment[], detail: string): GatewayError {
  const param = formatPath(path);
  return new GatewayError({
    status: 400,
    code: 'SWITCHYARD_INVALID_REQUEST',
    message: param === '' ? `Invalid request: ${detail}` : `Invalid value for '${param}': ${detail}`,
    shouldRetry: false,
    ...(param === '' ? {} : { param }),
  });
}

function missingParameter(path: readonly PathSegment[]): GatewayError {
  const param = formatPath(path);
  return new GatewayError({
    status: 400,
    code: 'SWITCHYARD_INVALID_REQUEST',
    message: `Missing required parameter: '${param}'.`,
    shouldRetry: false,
    param,
  });
}

interface LocatedIssue {
  path: PathSegment[];
  issue: z.core.$ZodIssue;
}

/**
 * A union failure lists each branch's issues; the branch that got furthest into the value is the
 * one the client meant (an array of parts that is wrong at `[0].image_url.url`, rather than "not a
 * string"). When no branch got past the union itself, the union's own message is the clearest.
 */
function mostSpecificIssue(issue: z.core.$ZodIssue, basePath: PathSegment[]): LocatedIssue {
  const path = [...basePath, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path, issue };
  let best: LocatedIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const candidate = mostSpecificIssue(first, path);
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  if (!best || best.path.length <= path.length) return { path, issue };
  return best;
}

function valueAt(body: unknown, path: readonly PathSegment[]): unknown {
  let value = body;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * Turns the first zod issue into a GatewayError naming the deepest path that explains it. `body`
 * is the value that was validated: an absent field reads as "missing" rather than as a type error.
 */
export function invalidRequestFromZod(error: z.ZodError, body: unknown): GatewayError {
  const first = error.issues[0];
  if (!first) return invalidRequest([], 'the request body is invalid');
  const { path, issue } = mostSpecificIssue(first, []);
  if (path.length > 0 && valueAt(body, path) === undefined) return missingParameter(path);
  return invalidRequest(path, issue.message);
}
