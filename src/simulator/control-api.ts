// The simulator's control API, under /_sim/. Tests, benchmarks and the demo drive faults and
// read counters through it; nothing here is on the simulated providers' own paths.
//
// Simulated upstreams (any <name>; each is independent, created on first use):
//   POST /u/<name>/v1/messages                 Anthropic Messages, JSON or SSE (stream: true)
//   POST /u/<name>/v1/messages/count_tokens    Anthropic → {"input_tokens": n}
//   POST /u/<name>/v1/chat/completions         OpenAI Chat Completions, JSON or SSE
//   GET  /u/<name>/v1/models[/<id>]            Anthropic list when anthropic-version or x-api-key is sent, else OpenAI
//   AWS Bedrock Runtime (model id percent-encoded, `us.anthropic.claude-…-v1:0` and ARNs fine):
//   POST /u/<name>/model/<modelId>/converse                       Converse JSON
//   POST /u/<name>/model/<modelId>/converse-stream                application/vnd.amazon.eventstream: messageStart,
//                                                                 contentBlockStart (toolUse only), contentBlockDelta,
//                                                                 contentBlockStop, messageStop, metadata
//   POST /u/<name>/model/<modelId>/invoke                         Anthropic body without model/stream, anthropic_version
//                                                                 "bedrock-2023-05-31" → Anthropic message
//   POST /u/<name>/model/<modelId>/invoke-with-response-stream    `chunk` events {"bytes": base64(Anthropic event)}
//     Auth: SigV4 (service "bedrock", any region) verified with simulatorAwsCredentials (dialects/bedrock-auth.ts,
//     re-exported by simulator.ts), or any `Authorization: Bearer` (Bedrock API key); otherwise 403 with
//     x-amzn-ErrorType MissingAuthenticationTokenException / IncompleteSignatureException /
//     UnrecognizedClientException / InvalidSignatureException. Clock skew is not checked.
//   Google Vertex AI (v1 or v1beta1; `Authorization: Bearer <any token>` required, else 401 UNAUTHENTICATED):
//   POST /u/<name>/v1/projects/<p>/locations/<r>/publishers/anthropic/models/<m>:rawPredict        Anthropic JSON
//   POST /u/<name>/v1/projects/<p>/locations/<r>/publishers/anthropic/models/<m>:streamRawPredict  Anthropic SSE
//        (body: Anthropic without model, anthropic_version "vertex-2023-10-16"; models/count-tokens:rawPredict counts)
//   POST /u/<name>/v1/projects/<p>/locations/<r>/publishers/google/models/<m>:generateContent
//   POST /u/<name>/v1/projects/<p>/locations/<r>/publishers/google/models/<m>:streamGenerateContent[?alt=sse]
//   POST /u/<name>/v1/projects/<p>/locations/<r>/publishers/google/models/<m>:countTokens
//   Gemini API (`x-goog-api-key` or `?key=` or a bearer token; none → 403 PERMISSION_DENIED, blank → 400 API_KEY_INVALID):
//   POST /u/<name>/v1beta/models/<m>:generateContent | :streamGenerateContent[?alt=sse] | :countTokens  (also /v1/)
//   GET  /u/<name>/v1beta/models[/<m>]
//     streamGenerateContent answers SSE `data:` chunks with alt=sse, otherwise one JSON array written chunk by chunk.
//   Query strings are ignored except where named (`alt`, `key`; the whole query is signed under SigV4).
//   Anthropic SDK base URL: <url>/u/<name>; OpenAI SDK: <url>/u/<name>/v1; Bedrock endpoint: <url>/u/<name>;
//   Vertex base: <url>/u/<name>/v1; Gemini API base: <url>/u/<name>.
//
// Faults:
//   POST   /_sim/faults        body: a fault → 200 {"id": "f1", "fault", "stats"}; 400 {"error", "problems"} when invalid
//                               (stats: the /_sim/stats counters as they stood when the fault took effect, so a
//                               benchmark counts exactly the requests the fault saw, without a gap between two calls)
//       {"target": "claude-a", "kind": "error", "status": 529, "probability": 1.0}
//       {"target": "claude-*", "kind": "hang"}
//       {"target": "label:anthropic-model-layer", "kind": "error", "status": 529, "durationMs": 30000}
//     target       an upstream name, a glob over names (* and ?), or "label:<label>" (the label may be a glob too):
//                  a label target hits every upstream carrying that label, so a whole failure domain goes down at once
//     kind         error      answers `status` with the provider's own error body (529 overloaded_error,
//                             429 rate_limit_error / rate_limit_exceeded with retry-after, 500, 503, …);
//                             optional retryAfterSeconds (429 default 1) and message; with `afterEvents` a
//                             stream instead answers 200, sends that many events, then the provider's in-band
//                             error (Anthropic `event: error`, OpenAI `data: {"error": …}`, Bedrock an exception
//                             message, Google a `{"error": …}` chunk) and ends; `splitAfter` sends that error
//                             frame in two writes, cut right after the given text.
//                             Bedrock: x-amzn-ErrorType + {"message"}; 529 and 503 → 503 ServiceUnavailableException,
//                             429 ThrottlingException, 500 InternalServerException, 400 ValidationException, 424
//                             ModelErrorException; in streams throttlingException / serviceUnavailableException /
//                             internalServerException / modelStreamErrorException; retry-after only when configured.
//                             Google: {"error":{code,message,status,details}}; 529 → 503 UNAVAILABLE, 429
//                             RESOURCE_EXHAUSTED with RetryInfo.retryDelay. Claude on Vertex: 401/403/429 in Google's
//                             shape (platform), the rest in Anthropic's (model)
//                  latency    adds `ms` before the answer (latency faults add up and combine with another fault)
//                  hang       accepts the request and never answers (until the client aborts or the simulator closes)
//                  cut        streams: sends `afterEvents` events (default 3, always fewer than the whole
//                             stream) then drops the connection; JSON: sends half the body then drops it
//                  stall      streams: sends `afterEvents` events (default 3) then goes silent with the connection
//                             open, until the client gives up; JSON: never answers (like hang)
//                  malformed  answers 200 with JSON that does not parse (JSON), or a stream with a data line that does not
//                             (Bedrock: an event-stream message whose CRC does not match)
//                  malformed-event  streams: one event that does not parse after `afterEvents` events (default
//                             2), then the rest of the stream as usual (Bedrock: a chunk whose bytes are not JSON);
//                             JSON answers are unaffected
//                  reset      destroys the connection with a TCP reset, without answering
//     probability  0..1 (default 1), drawn per request from the simulator's seeded random (reproducible runs)
//     durationMs   the fault removes itself this long after it was added (by the simulator's clock)
//     id           optional; reusing an id replaces that fault
//     When several faults match, latency faults add up and the most recently added other fault answers.
//   GET    /_sim/faults        → {"faults": [{id, target, kind, …, createdAt, expiresAt?}]}
//   DELETE /_sim/faults        → {"removed": n}  (all)
//   DELETE /_sim/faults/<id>   → {"removed": 1, "stats"} (the counters as the fault ended), or 404
//
// Upstreams:
//   POST   /_sim/upstreams/<name>   {"labels": ["anthropic-model-layer"], "timeToFirstTokenMs": 200, "tokensPerSecond": 50}
//                                   every field optional; labels replace the old ones; null returns a timing to the global value
//                                   {"quota": {"requests": 100, "windowMs": 60000}}: a request quota per window — answers
//                                   carry rate-limit headers with the remaining count, then 429s with retry-after; null removes it
//                                   → the upstream's settings {name, labels, timeToFirstTokenMs, tokensPerSecond, quota}
//   GET    /_sim/upstreams          → {"upstreams": {"claude-a": {name, labels, …}}}
//   GET    /_sim/upstreams/<name>   → that upstream's settings
//
// Counters and recorded requests:
//   GET    /_sim/stats              → {"upstreams": {"claude-a": {"requests": 12, "probes": 2, "succeeded": 8,
//                                      "failed": 3, "rejected": 0, "aborted": 1, "inFlight": 0}}}
//                                      (probes: requests with the x-switchyard-probe header, a gateway's health probes)
//   DELETE /_sim/stats              zeroes the counters and forgets recorded requests
//   GET    /_sim/requests/<name>    → the last request that upstream received: {method, url, headers, body, receivedAt}
//                                      (headers as received, credentials included: a test double, never give it real keys);
//                                      404 when none; `?all=true` → {"requests": [...]} (the last 20, oldest first)
//   GET    /_sim/health             → {"ok": true}
//
// Provider status pages (Atlassian Statuspage v2 JSON, docs/protocols/statuspage.md §7; status-page.ts serves them):
//   POST   /_sim/status-pages/<page>   {"components": {"<component id>": {"name": "Claude API",
//                                        "targets": ["claude-a", "label:anthropic-model-layer"]}}, "lagMs": 120000}
//                                      creates the page or changes the fields given (components are replaced as a whole)
//                                      → its settings {name, id, title, lagMs, serve, components, summaryPath}
//     components  component id → {name, targets, description?}; targets use the fault target language
//                 (names, globs, label:<label>); order = position on the page
//     lagMs       default 120000. A component shows an outage once a fault of kind error, hang or reset
//                 matching one of its targets has been active for lagMs (probability 1 → major_outage,
//                 ≥ 0.5 → partial_outage, else degraded_performance), with an unresolved incident whose
//                 created_at is fault start + lagMs; it is operational again (incident resolved) lagMs after
//                 the fault is removed or expires. A fault shorter than lagMs never shows. Outages of a
//                 page's components that overlap on the page are one incident.
//     title       page.name in the documents (default: <page>)
//     serve       json (default) | html (200 text/html) | malformed (200 JSON cut short) | not-found (404 HTML)
//                 | error (503 HTML): how a broken real page answers, for testing pollers
//   GET    /_sim/status-pages          → {"pages": {"<page>": settings}}
//   GET    /_sim/status-pages/<page>   → settings plus {"state": {components, incidents}} as of now
//   DELETE /_sim/status-pages/<page>   → {"removed": 1}, or 404
//   GET    /status/<page>/api/v2/summary.json            {page, status, components, incidents (unresolved), scheduled_maintenances}
//   GET    /status/<page>/api/v2/status.json             {page, status: {indicator, description}}
//   GET    /status/<page>/api/v2/components.json         {page, components}
//   GET    /status/<page>/api/v2/incidents.json          {page, incidents} (resolved ones too, newest first)
//   GET    /status/<page>/api/v2/incidents/unresolved.json
//   GET    /status/<page>/api/v2/scheduled-maintenances[/upcoming|/active].json   always empty
//     An unknown page or document answers 404 HTML, as a real site does. Times come from the simulator's clock.
//     Poller base URL: <url>/status/<page>
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSpecError, type FaultSpec } from './fault-spec.js';
import type { FaultRegistry } from './fault-registry.js';
import { upstreamSettingsSchema, type UpstreamRegistry } from './upstream-registry.js';
import { describeIssues } from './fault-spec.js';
import type { StatusPageRegistry } from './status-page.js';
import { statusPageNameSchema, statusPageSettingsSchema } from './status-page-spec.js';
import { parseJson, readBody, sendJson } from './http-io.js';

export interface ControlService {
  faults: FaultRegistry;
  upstreams: UpstreamRegistry;
  statusPages: StatusPageRegistry;
}

const controlBodyLimit = 1024 * 1024;

async function readJson(request: IncomingMessage): Promise<{ value: unknown } | { error: string }> {
  const body = await readBody(request, controlBodyLimit);
  if ('tooLarge' in body) return { error: 'body too large' };
  const parsed = parseJson(body.text);
  if (parsed.invalid) return { error: 'body is not valid JSON' };
  return { value: parsed.value };
}

function notFound(response: ServerResponse, what: string): void {
  sendJson(response, 404, { error: `${what} not found` });
}

async function handleFaults(
  service: ControlService,
  request: IncomingMessage,
  response: ServerResponse,
  id: string | undefined,
): Promise<void> {
  const method = request.method;
  if (id === undefined && method === 'POST') {
    const body = await readJson(request);
    if ('error' in body) return sendJson(response, 400, { error: body.error });
    try {
      const fault = service.faults.add(body.value as FaultSpec);
      return sendJson(response, 200, { id: fault.id, fault, stats: { upstreams: service.upstreams.stats() } });
    } catch (error) {
      if (error instanceof FaultSpecError)
        return sendJson(response, 400, { error: error.message, problems: error.problems });
      throw error;
    }
  }
  if (id === undefined && method === 'GET') return sendJson(response, 200, { faults: service.faults.list() });
  if (id === undefined && method === 'DELETE') return sendJson(response, 200, { removed: service.faults.clear() });
  if (id !== undefined && method === 'DELETE') {
    return service.faults.remove(id)
      ? sendJson(response, 200, { removed: 1, stats: { upstreams: service.upstreams.stats() } })
      : notFound(response, `fault ${id}`);
  }
  sendJson(response, 405, { error: `${method} not allowed here` });
}

async function handleUpstreams(
  service: ControlService,
  request: IncomingMessage,
  response: ServerResponse,
  name: string | undefined,
): Promise<void> {
  const method = request.method;
  if (name === undefined && method === 'GET') {
    const upstreams: Record<string, unknown> = {};
    for (const upstream of service.upstreams.all()) upstreams[upstream.name] = upstream.describe();
    return sendJson(response, 200, { upstreams });
  }
  if (name !== undefined && method === 'GET') {
    const upstream = service.upstreams.find(name);
    return upstream ? sendJson(response, 200, upstream.describe()) : notFound(response, `upstream ${name}`);
  }
  if (name !== undefined && method === 'POST') {
    const body = await readJson(request);
    if ('error' in body) return sendJson(response, 400, { error: body.error });
    const parsed = upstreamSettingsSchema.safeParse(body.value ?? {});
    if (!parsed.success) {
      const problems = describeIssues(parsed.error.issues);
      return sendJson(response, 400, { error: `invalid upstream settings: ${problems.join('; ')}`, problems });
    }
    return sendJson(response, 200, service.upstreams.configure(name, parsed.data).describe());
  }
  sendJson(response, 405, { error: `${method} not allowed here` });
}

async function handleStatusPages(
  service: ControlService,
  request: IncomingMessage,
  response: ServerResponse,
  name: string | undefined,
): Promise<void> {
  const method = request.method;
  const pages = service.statusPages;
  if (name === undefined && method === 'GET') {
    return sendJson(response, 200, { pages: Object.fromEntries(pages.list().map((page) => [page.name, page])) });
  }
  if (name === undefined) return sendJson(response, 405, { error: `${method} not allowed here` });
  if (method === 'GET') {
    const page = pages.find(name);
    return page
      ? sendJson(response, 200, { ...page, state: pages.state(name) })
      : notFound(response, `status page ${name}`);
  }
  if (method === 'DELETE')
    return pages.remove(name) ? sendJson(response, 200, { removed: 1 }) : notFound(response, `status page ${name}`);
  if (method === 'POST') {
    if (!statusPageNameSchema.safeParse(name).success)
      return sendJson(response, 400, { error: 'a status page name uses letters, digits, ".", "_" or "-"' });
    const body = await readJson(request);
    if ('error' in body) return sendJson(response, 400, { error: body.error });
    const parsed = statusPageSettingsSchema.safeParse(body.value ?? {});
    if (!parsed.success) {
      const problems = describeIssues(parsed.error.issues);
      return sendJson(response, 400, { error: `invalid status page settings: ${problems.join('; ')}`, problems });
    }
    return sendJson(response, 200, pages.configure(name, parsed.data));
  }
  sendJson(response, 405, { error: `${method} not allowed here` });
}

function handleRequests(
  service: ControlService,
  _request: IncomingMessage,
  response: ServerResponse,
  name: string,
  query: string,
): void {
  const recorded = service.upstreams.recordedRequests(name);
  if (new URLSearchParams(query).get('all') === 'true') return sendJson(response, 200, { requests: recorded });
  const last = recorded[recorded.length - 1];
  return last ? sendJson(response, 200, last) : notFound(response, `recorded request for ${name}`);
}

/** Handles `/_sim/<rest>`; `rest` has no leading slash and no query string. */
export async function serveControl(
  service: ControlService,
  request: IncomingMessage,
  response: ServerResponse,
  rest: string,
  query: string,
): Promise<void> {
  const slash = rest.indexOf('/');
  const section = slash === -1 ? rest : rest.slice(0, slash);
  const argument = slash === -1 ? undefined : decodeURIComponent(rest.slice(slash + 1)) || undefined;
  const method = request.method;
  switch (section) {
    case 'faults':
      return handleFaults(service, request, response, argument);
    case 'upstreams':
      return handleUpstreams(service, request, response, argument);
    case 'status-pages':
      return handleStatusPages(service, request, response, argument);
    case 'stats':
      if (method === 'GET') return sendJson(response, 200, { upstreams: service.upstreams.stats() });
      if (method === 'DELETE') {
        service.upstreams.resetStats();
        return sendJson(response, 200, { reset: true });
      }
      return sendJson(response, 405, { error: `${method} not allowed here` });
    case 'requests':
      if (argument !== undefined && method === 'GET')
        return handleRequests(service, request, response, argument, query);
      return notFound(response, 'route');
    case 'health':
      return sendJson(response, 200, { ok: true });
    default:
      return notFound(response, 'route');
  }
}
