// The Bedrock InvokeModel paths Claude Code calls in Bedrock mode (docs/protocols/ §3.1, §3.5, §8):
// `POST /model/{modelId}/invoke` and `/model/{modelId}/invoke-with-response-stream`. The model id is
// percent-encoded by the clients (`:` → `%3A`, and an ARN's `/` → `%2F`), so the path is split on raw
// slashes first and only then decoded.

export interface BedrockInvokeTarget {
  /** The decoded model id: a base id, an inference profile (`us.anthropic.…`) or an ARN. */
  modelId: string;
  /** True for invoke-with-response-stream. */
  stream: boolean;
}

const invokePath = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)\/?$/;

/** The model and stream flag of an invoke URL, or undefined when the URL is not one (or is badly encoded). */
export function parseBedrockInvokePath(url: string): BedrockInvokeTarget | undefined {
  const match = invokePath.exec(pathOf(url));
  if (match === null) return undefined;
  const modelId = decodeSegment(match[1]!);
  if (modelId === undefined || modelId === '') return undefined;
  return { modelId, stream: match[2] === 'invoke-with-response-stream' };
}

/** True for any URL under /model/: its errors are answered in Bedrock's shape. */
export function isBedrockUrl(url: string): boolean {
  return pathOf(url).startsWith('/model/');
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
