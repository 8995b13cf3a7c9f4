// The HTTP app: mounts the ingresses (Anthropic Messages, OpenAI Chat Completions, and the Bedrock
// InvokeModel and Vertex rawPredict forms Claude Code uses in its cloud modes) and the small endpoints
// clients probe. No business logic.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { CanonicalRequest } from '../canonical/request.js';
import { GatewayError } from '../canonical/gateway-error.js';
import { parseAnthropicRequest } from '../ingress/anthropic-messages/parse-request.js';
import type { Router } from '../routing/router.js';
import type { RouteTable } from '../routing/resolve-route.js';
import type { Clock } from '../util/clock.js';
import { parseBedrockInvokePath } from '../ingress/bedrock-invoke/parse-path.js';
import { parseVertexRawPredictPath } from '../ingress/vertex-raw-predict/parse-path.js';
import { parseVertexCountTokensRequest } from '../ingress/vertex-raw-predict/parse-request.js';
import {
  anthropicDialect,
  bedrockInvokeDialect,
  dialectForUrl,
  openaiDialect,
  vertexRawPredictDialect,
  type ClientDialect,
} from './dialects.js';
import { newRequestId, sendError, serveRequest, toGatewayError, type PipelineContext } from './serve-request.js';
import { modelList } from './models-endpoint.js';
import { countTokens } from './count-tokens.js';
import type { Logger } from './logger.js';
import { createServer } from 'node:http';
import { writeClientErrorAnswer } from './client-error-answer.js';
import { maxNestingDepth, nestsDeeperThan } from './nesting-depth.js';
import { type BodyMemory, registerBodyMemory } from './body-memory.js';
import { checkRouteAllowed, keyOfRequest, registerAuthentication, type AuthenticateOptions } from './authenticate.js';
import { registerJsonBody } from './json-body.js';

/** The request path's current router and route table; a config reload swaps both. */
export interface RequestPath {
  router: Router;
  routes: RouteTable;
}

export interface AppOptions {
  path: RequestPath;
  clock: Clock;
  logger: Logger;
  bodyLimitBytes: number;
  /** The cap on request-body bytes held at once (server.bodyMemoryBytes). */
  bodyMemory: BodyMemory;
  pingIntervalMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  authentication: AuthenticateOptions;
  /** Aborted when a drain runs out of time. */
  shutdown?: AbortSignal;
  /** For /readyz: undefined when ready, else why not (draining, …); `detail` is shown either way. */
  readiness?: () => { ready: boolean; detail: Record<string, unknown> };
}

function frameworkError(error: FastifyError): GatewayError {
  // Our own refusal raised while fastify read the body (body-memory.ts): fastify marks it a 400.
  if (GatewayError.isInstance(error)) return error;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GatewayError({
      status: 413,
      code: 'SWITCHYARD_BODY_TOO_LARGE',
      message: 'request body is too large',
      shouldRetry: false,
    });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new GatewayError({
      status: 415,
      code: 'SWITCHYARD_INVALID_REQUEST',
      message: 'content-type must be application/json',
      shouldRetry: false,
    });
  }
  if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return new GatewayError({
      status: 400,
      code: 'SWITCHYARD_INVALID_REQUEST',
      message: `request body is not valid JSON: ${error.message}`,
      shouldRetry: false,
    });
  }
  return toGatewayError(error);
}

export function createApp(options: AppOptions) {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    // Per-request logs would cost more than the gateway's own work on the hot path.
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: options.logger as FastifyBaseLogger,
    requestIdHeader: false,
    return503OnClosing: true,
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default): check often
    // enough that a slow-loris connection is closed close to its deadline.
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout: options.headersTimeoutMs,
          requestTimeout: options.requestTimeoutMs,
          connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
        },
        handler,
      ),
    clientErrorHandler: writeClientErrorAnswer,
  });
  registerJsonBody(app);
  registerAuthentication(app, options.authentication);
  // After authentication: a refused client holds no budget.
  registerBodyMemory(app, options.bodyMemory, options.bodyLimitBytes);
  // A callback hook, not an async one: it runs on every request and waits for nothing.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.body === undefined || !nestsDeeperThan(request.body, maxNestingDepth)) return done();
    // The answer is sent; fastify stops the request there (done is not called).
    sendError(
      reply,
      dialectForUrl(request.url),
      new GatewayError({
        status: 400,
        code: 'SWITCHYARD_INVALID_REQUEST',
        message: `request body nests deeper than ${maxNestingDepth} levels`,
        shouldRetry: false,
      }),
      newRequestId(),
    );
  });
  const path = options.path;
  const context: PipelineContext = {
    get router() {
      return path.router;
    },
    get routes() {
      return path.routes;
    },
    ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    clock: options.clock,
    pingIntervalMs: options.pingIntervalMs,
    logger: options.logger,
  };
  const startedAt = options.clock.now();

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const gatewayError = frameworkError(error);
    if (gatewayError.status >= 500) options.logger.error({ err: error, url: request.url }, 'unhandled error');
    sendError(reply, dialectForUrl(request.url), gatewayError, newRequestId());
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(
      reply,
      dialectForUrl(request.url),
      new GatewayError({
        status: 404,
        code: 'SWITCHYARD_NOT_FOUND',
        message: `${request.method} ${request.url.split('?')[0]} is not an endpoint of this gateway`,
        shouldRetry: false,
      }),
      newRequestId(),
    );
  });

  app.post('/v1/messages', (request, reply) => serveRequest(anthropicDialect, request, reply, context));
  app.post('/v1/chat/completions', (request, reply) => serveRequest(openaiDialect, request, reply, context));
  app.post('/chat/completions', (request, reply) => serveRequest(openaiDialect, request, reply, context));

  const serveCountTokens = async (
    parse: () => CanonicalRequest,
    request: FastifyRequest,
    reply: FastifyReply,
    dialect: ClientDialect,
  ) => {
    const requestId = newRequestId();
    try {
      const canonical = parse();
      const route = path.routes.resolve(canonical.model);
      checkRouteAllowed(keyOfRequest(request), canonical.model, route.name);
      const controller = new AbortController();
      reply.raw.on('close', () => controller.abort());
      const counted = await countTokens(path.router, canonical, controller.signal);
      // Who counted, or that nobody could and the count is the local estimate.
      if (counted.deployment !== undefined) reply.header('x-switchyard-deployment', counted.deployment);
      reply.header('x-switchyard-token-count', counted.deployment === undefined ? 'estimated' : 'counted');
      return reply.header('x-request-id', requestId).send({ input_tokens: counted.input_tokens });
    } catch (error) {
      sendError(reply, dialect, toGatewayError(error), requestId);
      return reply;
    }
  };
  app.post('/v1/messages/count_tokens', async (request, reply) =>
    serveCountTokens(
      () => parseAnthropicRequest(request.body, request.headers, { countTokens: true }),
      request,
      reply,
      anthropicDialect,
    ),
  );

  const notAnEndpoint = (request: FastifyRequest, reply: FastifyReply, dialect: ClientDialect) => {
    sendError(
      reply,
      dialect,
      new GatewayError({
        status: 404,
        code: 'SWITCHYARD_NOT_FOUND',
        message: `${request.method} ${request.url.split('?')[0]} is not an endpoint of this gateway`,
        shouldRetry: false,
      }),
      newRequestId(),
    );
    return reply;
  };

  // Claude Code in Bedrock mode (ANTHROPIC_BEDROCK_BASE_URL): /model/{id}/invoke[-with-response-stream].
  // A wildcard, because the model id may hold an encoded '/' (an ARN) that a route parameter would not match.
  app.post('/model/*', async (request, reply) => {
    if (parseBedrockInvokePath(request.url) === undefined) return notAnEndpoint(request, reply, bedrockInvokeDialect);
    return serveRequest(bedrockInvokeDialect, request, reply, context);
  });

  // Claude Code in Vertex mode (ANTHROPIC_VERTEX_BASE_URL): …/models/{model}:rawPredict | :streamRawPredict,
  // parsed by hand since fastify would read ':rawPredict' as a parameter.
  const serveVertex = async (request: FastifyRequest, reply: FastifyReply) => {
    const target = parseVertexRawPredictPath(request.url);
    if (target === undefined) return notAnEndpoint(request, reply, vertexRawPredictDialect);
    if (target.model === 'count-tokens') {
      if (target.method !== 'rawPredict') return notAnEndpoint(request, reply, vertexRawPredictDialect);
      return serveCountTokens(
        () => parseVertexCountTokensRequest(request.body, request.headers),
        request,
        reply,
        vertexRawPredictDialect,
      );
    }
    return serveRequest(vertexRawPredictDialect, request, reply, context);
  };
  for (const prefix of ['/v1', '/v1beta1', '']) app.post(`${prefix}/projects/*`, serveVertex);

  const models = () => modelList(path.routes, startedAt);
  app.get('/v1/models', async () => models());
  app.get('/models', async () => models());
  app.get<{ Params: { id: string } }>('/v1/models/:id', async (request, reply) => {
    const found = (models().data as Array<{ id: string }>).find((model) => model.id === request.params.id);
    if (found) return found;
    sendError(
      reply,
      anthropicDialect,
      new GatewayError({
        status: 404,
        code: 'SWITCHYARD_UNKNOWN_MODEL',
        message: `model "${request.params.id}" is not served here`,
        shouldRetry: false,
      }),
      newRequestId(),
    );
    return reply;
  });

  // Claude Code probes the base URL and posts telemetry to it: answer fast.
  app.head('/', async (_request, reply) => reply.code(200).send());
  app.get('/', async () => ({ name: 'switchyard', ok: true }));
  app.post('/api/event_logging/batch', async () => ({}));
  app.get('/healthz', async () => ({ ok: true }));
  // For orchestrators: the process is up; and it should get traffic (config loaded, routable, not draining).
  app.get('/livez', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = options.readiness?.() ?? { ready: true, detail: {} };
    return reply.code(readiness.ready ? 200 : 503).send({ ready: readiness.ready, ...readiness.detail });
  });
  return app;
}
