// The Vertex AI paths Claude Code calls in Vertex mode (docs/protocols/ §4.1, §8):
// `POST /v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict`, or
// `:streamRawPredict`, also under `v1beta1`, and without the version when the client's base URL
// (ANTHROPIC_VERTEX_BASE_URL) leaves it out. `…/models/count-tokens:rawPredict` counts tokens.
// The `:method` suffix would look like a route parameter to fastify, so the path is parsed here.

export type VertexMethod = 'rawPredict' | 'streamRawPredict';

export interface VertexRawPredictTarget {
  project: string;
  region: string;
  /** The decoded model id, e.g. `claude-sonnet-4-5@20250929`, or `count-tokens`. */
  model: string;
  method: VertexMethod;
}

const rawPredictPath =
  /^(?:\/v1|\/v1beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/]+?)(?::|%3[Aa])(rawPredict|streamRawPredict)\/?$/;

/** The parts of a rawPredict URL, or undefined when the URL is not one (or is badly encoded). */
export function parseVertexRawPredictPath(url: string): VertexRawPredictTarget | undefined {
  const match = rawPredictPath.exec(pathOf(url));
  if (match === null) return undefined;
  const project = decodeSegment(match[1]!);
  const region = decodeSegment(match[2]!);
  const model = decodeSegment(match[3]!);
  if (project === undefined || region === undefined || model === undefined || model === '') return undefined;
  const method: VertexMethod = match[4] === 'streamRawPredict' ? 'streamRawPredict' : 'rawPredict';
  return { project, region, model, method };
}

/** True for any URL under a Vertex publisher model: its errors are answered by the Vertex dialect. */
export function isVertexUrl(url: string): boolean {
  return /\/projects\/[^/]+\/locations\/[^/]+\/publishers\//.test(pathOf(url));
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
