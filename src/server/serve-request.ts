// The request pipeline shared by every client dialect: parse → route → write the answer (JSON, or a
// stream: SSE or Bedrock's binary event stream) in the client's own format, with the headers that say
// who served it.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Attempt } from '../canonical/attempt.js';
import { GatewayError } from '../canonical/gateway-error.js';
import { AbortReason, clientAborted } from '../transport/abort-reasons.js';
import type { Router } from '../routing/router.js';
import type { Clock } from '../util/clock.js';
import type { ClientDialect } from './dialects.js';
import type { Logger } from './logger.js';
import { publishRequest, type RequestEvent } from '../observability/channels.js';
import type { Usage } from '../canonical/usage.js';
import { scrubSecrets } from '../util/scrub-secrets.js';
import type { RouteTable } from '../routing/resolve-route.js';
import { checkRouteAllowed, keyOfRequest } from './authenticate.js';
import { writeClientStream } from './write-client-stream.js';
import { bodyTextOf } from './json-body.js';
import { onShutdown } from './shutdown-listeners.js';

/** The one metric label and stored route name for a model no route serves, so clients cannot grow either. */
export const unknownRouteLabel = '(unknown model)';

export interface PipelineContext {
  router: Router;
  routes: RouteTable;
  /** Aborted when a drain runs out of time: what is still in flight ends with a well-formed error. */
  shutdown?: AbortSignal;
  clock: Clock;
  pingIntervalMs: number;
  logger: Logger;
}

export const shuttingDown = (): GatewayError =>
  new GatewayError({
    status: 503,
    code: 'SWITCHYARD_SHUTTING_DOWN',
    message: 'the gateway is shutting down; retry on another replica',
    upstreamType: 'overloaded_error',
    retryAfterMs: 1_000,
    shouldRetry: true,
  });

export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

export function toGatewayError(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  return new GatewayError({
    status: 500,
    code: 'SWITCHYARD_INTERNAL',
    message: 'internal gateway error',
    shouldRetry: true,
  });
}

/** An error body as sent: upstream text scrubbed of every configured secret and internal address. */
function scrubbedBody(body: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(body);
  const clean = scrubSecrets(text);
  return clean === text ? body : (JSON.parse(clean) as Record<string, unknown>);
}

export function sendError(reply: FastifyReply, dialect: ClientDialect, error: GatewayError, requestId: string): void {
  const lastAttempt = error.attempts?.at(-1);
  if (error.relayed !== undefined) {
    // A same-format upstream error: its status and body exactly as the upstream sent them.
    void reply
      .code(error.relayed.status)
      .headers({
        'content-type': 'application/json',
        ...error.relayed.headers,
        'x-request-id': requestId,
        'x-switchyard-attempts': String(error.attempts?.length ?? 0),
        ...(lastAttempt ? { 'x-switchyard-deployment': lastAttempt.deployment } : {}),
      })
      .send(scrubSecrets(error.relayed.body));
    return;
  }
  const answer = dialect.errorAnswer(error, requestId);
  answer.body = scrubbedBody(answer.body);
  void reply
    .code(answer.status)
    .headers({
      ...answer.headers,
      'x-request-id': requestId,
      'x-switchyard-attempts': String(error.attempts?.length ?? 0),
      ...(lastAttempt ? { 'x-switchyard-deployment': lastAttempt.deployment } : {}),
    })
    .send(answer.body);
}

/**
 * Aborts the request's upstream work the moment the client is gone. The earliest sign is the client's
 * FIN on the socket ('end'): Node then ends the socket itself, so nothing more could reach the client,
 * and the response's own 'close' can follow only after that end is flushed. Waiting for a failed write
 * instead would leave the upstream streaming (tokens billed) until its next event.
 */
function abortWhenClientLeaves(request: FastifyRequest, reply: FastifyReply, controller: AbortController): void {
  const socket = request.raw.socket;
  const onGone = () => {
    if (!reply.raw.writableFinished) controller.abort(clientAborted());
  };
  socket.once('end', onGone);
  // A keep-alive socket serves many requests: its listener belongs to this one only.
  reply.raw.once('close', () => {
    socket.removeListener('end', onGone);
    onGone();
  });
}

/**
 * Whether more than one deployment was tried, and the time the attempts before the serving one took.
 * Most requests have one attempt: that case allocates nothing.
 */
function attemptsCost(attempts: readonly Attempt[]): { failedOver: boolean; extraLatencyMs: number } {
  if (attempts.length <= 1) return { failedOver: false, extraLatencyMs: 0 };
  const failedOver = new Set(attempts.map((attempt) => attempt.deployment)).size > 1;
  let extraLatencyMs = 0;
  for (const attempt of attempts.slice(0, -1)) extraLatencyMs += attempt.latencyMs + (attempt.connectionWaitMs ?? 0);
  return { failedOver, extraLatencyMs };
}

export async function serveRequest(
  dialect: ClientDialect,
  request: FastifyRequest,
  reply: FastifyReply,
  context: PipelineContext,
): Promise<void> {
  const requestId = newRequestId();
  const startedAt = context.clock.now();
  const controller = new AbortController();
  abortWhenClientLeaves(request, reply, controller);
  // The request's own signal, aborted like a client abort (local origin: no deployment is blamed).
  if (context.shutdown) {
    const forget = onShutdown(context.shutdown, () => controller.abort(clientAborted()));
    reply.raw.once('close', forget);
  }
  let routeName = '';
  let stream = false;
  const requestKey = keyOfRequest(request);
  const report = (
    fields: Pick<RequestEvent, 'status' | 'succeeded' | 'attempts' | 'failedOver'> & {
      deployment?: string;
      usage?: Usage;
      extraLatencyMs?: number;
    },
  ) => {
    if (requestKey && fields.usage) {
      requestKey.limiter.addTokens(requestKey.key, fields.usage.inputTokens + fields.usage.outputTokens);
    }
    publishRequest({
      route: routeName,
      format: dialect.name,
      stream,
      latencyMs: context.clock.now() - startedAt,
      ...(requestKey ? { key: requestKey.key.name } : {}),
      ...fields,
    });
  };

  try {
    const canonical = dialect.parse(request.body, request.headers, request.url);
    const text = bodyTextOf(request);
    if (text !== undefined) canonical.original.received = { body: request.body as Record<string, unknown>, text };
    stream = canonical.stream;
    routeName = unknownRouteLabel;
    routeName = context.routes.resolve(canonical.model).name;
    checkRouteAllowed(requestKey, canonical.model, routeName);
    const routed = await context.router.route(
      canonical,
      controller.signal,
      requestKey ? { priority: requestKey.key.priority } : {},
    );
    routeName = routed.route.name;
    const { failedOver, extraLatencyMs } = attemptsCost(routed.attempts);
    const headers = {
      'request-id': requestId,
      // The serving upstream's own request id and rate-limit state, beside the gateway's id.
      ...routed.upstreamHeaders,
      'x-request-id': requestId,
      'x-switchyard-deployment': routed.deployment.id,
      'x-switchyard-attempts': String(routed.attempts.length),
      // A hedge was sent: whether it served the request (won) or the first attempt did (lost).
      ...(routed.hedge ? { 'x-switchyard-hedge': routed.hedge } : {}),
    };
    // Every answer names the model that produced it: the relay lane's bytes already do; the
    // translate lane names the deployment's model, not the route the client asked for.
    const answeredModel = routed.deployment.model;
    if (routed.type === 'response') {
      const body =
        routed.relayed !== undefined
          ? routed.relayed
          : dialect.toResponse(routed.response, answeredModel, context.clock.now());
      await reply
        .code(200)
        .headers(routed.relayed !== undefined ? { ...headers, 'content-type': 'application/json' } : headers)
        .send(body);
      report({
        status: 200,
        succeeded: true,
        deployment: routed.deployment.id,
        attempts: routed.attempts.length,
        failedOver,
        extraLatencyMs,
        usage: routed.response.usage,
      });
      return;
    }
    const ending = await writeClientStream(
      dialect,
      routed,
      { ...canonical, model: answeredModel },
      headers,
      reply,
      controller,
      context,
    );
    report({
      status: 200,
      succeeded: ending.finished,
      deployment: routed.deployment.id,
      attempts: routed.attempts.length,
      failedOver,
      extraLatencyMs,
      usage: ending.usage,
    });
  } catch (error) {
    if (context.shutdown?.aborted && !reply.sent && !reply.raw.destroyed) {
      sendError(reply, dialect, shuttingDown(), requestId);
      report({ status: 503, succeeded: false, attempts: 0, failedOver: false });
      return;
    }
    if (controller.signal.aborted || (AbortReason.isInstance(error) && error.kind === 'client-aborted')) {
      if (!reply.sent) reply.hijack();
      reply.raw.destroy();
      report({ status: 499, succeeded: false, attempts: 0, failedOver: false });
      return;
    }
    const gatewayError = toGatewayError(error);
    // A key refused a route is the client's doing: it says nothing about what the route served.
    if (routeName && gatewayError.code !== 'SWITCHYARD_FORBIDDEN') {
      const deployments = new Set(gatewayError.attempts?.map((attempt) => attempt.deployment));
      report({
        status: gatewayError.status,
        succeeded: false,
        attempts: gatewayError.attempts?.length ?? 0,
        failedOver: deployments.size > 1,
      });
    }
    if (gatewayError.status >= 500) {
      context.logger.warn(
        { requestId, code: gatewayError.code, err: GatewayError.isInstance(error) ? undefined : error },
        gatewayError.message,
      );
    }
    sendError(reply, dialect, gatewayError, requestId);
  }
}
