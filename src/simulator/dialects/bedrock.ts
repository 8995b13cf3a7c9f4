// The AWS Bedrock Runtime dialect (docs/protocols/bedrock.md §3): POST /model/{modelId}/converse,
// /converse-stream, /invoke, /invoke-with-response-stream and /count-tokens below /u/<name>, with Bedrock's
// authentication (SigV4 verified against the simulator's test credentials, or a Bedrock API key
// as bearer; bedrock-auth.ts), binary event streams (bedrock-event-stream.ts), and its errors:
// HTTP status, `x-amzn-ErrorType` and `{"message"}`, or an exception message inside a stream.
import { generateReply, type SimulatedRequest } from '../reply-generator.js';
import { checkBedrockAuth } from './bedrock-auth.js';
import { converseResponseBody, converseStreamFrames, parseConverseRequest } from './bedrock-converse.js';
import { countBedrockTokens } from './bedrock-count-tokens.js';
import { eventFrame, eventStreamHeaders, exceptionFrame, withBrokenChecksum } from './bedrock-event-stream.js';
import {
  parseInvokeRequest,
  renderInvokeMalformed,
  renderInvokeMessage,
  renderInvokeStream,
} from './bedrock-invoke.js';
import {
  jsonAnswer,
  safeDecode,
  type Acceptance,
  type Dialect,
  type DialectOperation,
  type ErrorAnswerOptions,
  type JsonAnswer,
  type OperationInput,
  type StreamFrame,
  type WireAnswer,
} from './dialect.js';

const bedrockNamespace = 'http://internal.amazon.com/coral/com.amazon.bedrock/';
// Authentication is refused by the AWS front end, which names its own namespace.
const coralServiceNamespace = 'http://internal.amazon.com/coral/com.amazon.coral.service/';

interface BedrockErrorKind {
  status: number;
  errorType: string;
  message: string;
  /** The member name when the same failure happens inside an event stream. */
  streamType: string;
}

const validation: BedrockErrorKind = {
  status: 400,
  errorType: 'ValidationException',
  message: 'The provided request is not valid',
  streamType: 'validationException',
};
const internal: BedrockErrorKind = {
  status: 500,
  errorType: 'InternalServerException',
  message: 'The system encountered an unexpected error during processing. Try your request again.',
  streamType: 'internalServerException',
};
const unavailable: BedrockErrorKind = {
  status: 503,
  errorType: 'ServiceUnavailableException',
  message: 'Bedrock is unable to process your request.',
  streamType: 'serviceUnavailableException',
};

/** What each injected status becomes on Bedrock (§3.7): Bedrock has no 529, overload is a 503. */
const errorKinds: Record<number, BedrockErrorKind> = {
  400: validation,
  401: {
    status: 403,
    errorType: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
    streamType: 'validationException',
  },
  403: {
    status: 403,
    errorType: 'AccessDeniedException',
    message: "You don't have access to the model with the specified model ID.",
    streamType: 'validationException',
  },
  404: {
    status: 404,
    errorType: 'ResourceNotFoundException',
    message: 'The requested resource could not be found.',
    streamType: 'validationException',
  },
  408: {
    status: 408,
    errorType: 'ModelTimeoutException',
    message: 'Model has timed out in processing the request. Try your request again.',
    streamType: 'modelStreamErrorException',
  },
  413: { ...validation, message: 'Input is too long for requested model.' },
  424: {
    status: 424,
    errorType: 'ModelErrorException',
    message: 'The model encountered an error while processing the request.',
    streamType: 'modelStreamErrorException',
  },
  429: {
    status: 429,
    errorType: 'ThrottlingException',
    message: 'Too many requests, please wait before trying again.',
    streamType: 'throttlingException',
  },
  500: internal,
  503: unavailable,
  529: unavailable,
};

function errorKind(status: number): BedrockErrorKind {
  return errorKinds[status] ?? (status >= 500 ? internal : validation);
}

/** A stable id in the UUID shape AWS uses for x-amzn-RequestId. */
export function bedrockRequestId(sequence: number): string {
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

function errorAnswer(
  status: number,
  errorType: string,
  namespace: string,
  message: string,
  sequence: number,
  extraHeaders: Record<string, string> = {},
): JsonAnswer {
  return jsonAnswer(
    status,
    {
      'x-amzn-ErrorType': `${errorType}:${namespace}`,
      'x-amzn-RequestId': bedrockRequestId(sequence),
      ...extraHeaders,
    },
    { message },
  );
}

function validationError(message: string, sequence: number): JsonAnswer {
  return errorAnswer(400, validation.errorType, bedrockNamespace, message, sequence);
}

type BedrockOperationName = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';

function acceptedReply(
  request: SimulatedRequest,
  render: () => WireAnswer,
  overrides: Partial<Extract<Acceptance, { accepted: true }>> = {},
): Acceptance {
  return { accepted: true, stream: request.stream, model: request.model, answer: render, ...overrides };
}

/** AWS authenticates before it reads anything else: the front end's 403, or undefined to go on. */
async function authenticationRefusal(input: OperationInput): Promise<JsonAnswer | undefined> {
  const refusal = await checkBedrockAuth(input);
  if (!refusal) return undefined;
  return errorAnswer(403, refusal.errorType, coralServiceNamespace, refusal.message, input.context.sequence);
}

function bedrockOperation(name: BedrockOperationName): DialectOperation {
  const stream = name === 'converse-stream' || name === 'invoke-with-response-stream';
  const invoke = name === 'invoke' || name === 'invoke-with-response-stream';
  return {
    async accept(input: OperationInput): Promise<Acceptance> {
      const sequence = input.context.sequence;
      const refusal = await authenticationRefusal(input);
      if (refusal) return { accepted: false, answer: refusal };
      const model = safeDecode(input.pathRest);
      const requestId = bedrockRequestId(sequence);
      const parsed = invoke
        ? parseInvokeRequest(input.body, input.bodyInvalid, model, stream)
        : parseConverseRequest(input.body, input.bodyInvalid, model, stream);
      if ('problem' in parsed) return { accepted: false, answer: validationError(parsed.problem, sequence) };
      const request = parsed;
      if (invoke) {
        return acceptedReply(
          request,
          () => {
            const reply = generateReply(request);
            return stream
              ? renderInvokeStream(reply, model, sequence, requestId)
              : renderInvokeMessage(reply, model, sequence, requestId);
          },
          { malformedAnswer: () => renderInvokeMalformed(stream, model, sequence, requestId) },
        );
      }
      return acceptedReply(request, () => {
        const reply = generateReply(request);
        if (stream)
          return { type: 'stream', headers: eventStreamHeaders(requestId), frames: converseStreamFrames(reply) };
        return {
          ...jsonAnswer(200, { 'x-amzn-RequestId': requestId }, converseResponseBody(reply)),
          outputTokens: reply.outputTokens,
        };
      });
    },
  };
}

const countTokensOperation: DialectOperation = {
  async accept(input: OperationInput): Promise<Acceptance> {
    const sequence = input.context.sequence;
    const refusal = await authenticationRefusal(input);
    if (refusal) return { accepted: false, answer: refusal };
    const model = safeDecode(input.pathRest);
    const counted = countBedrockTokens(input.body, input.bodyInvalid, model);
    if (typeof counted !== 'number') return { accepted: false, answer: validationError(counted.problem, sequence) };
    const requestId = bedrockRequestId(sequence);
    return {
      accepted: true,
      stream: false,
      model,
      answer: () => jsonAnswer(200, { 'x-amzn-RequestId': requestId }, { inputTokens: counted }),
    };
  },
};

const operations: Record<BedrockOperationName | 'count-tokens', DialectOperation> = {
  converse: bedrockOperation('converse'),
  'converse-stream': bedrockOperation('converse-stream'),
  invoke: bedrockOperation('invoke'),
  'invoke-with-response-stream': bedrockOperation('invoke-with-response-stream'),
  'count-tokens': countTokensOperation,
};

// The model id is one percent-encoded segment (ARNs encode their `/`); `.+` still takes a raw one.
const operationPath = /^\/model\/(.+)\/(converse|converse-stream|invoke|invoke-with-response-stream|count-tokens)$/;

export const bedrockDialect: Dialect = {
  name: 'bedrock',

  operation(method, path) {
    if (method !== 'POST') return undefined;
    const match = operationPath.exec(path);
    if (!match) return undefined;
    return { operation: operations[match[2] as keyof typeof operations], pathRest: match[1]! };
  },

  errorAnswer(options: ErrorAnswerOptions, context): JsonAnswer {
    const kind = errorKind(options.status);
    // Bedrock sends no retry-after of its own; one is added only when the fault asks for it.
    const headers: Record<string, string> =
      options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) };
    return errorAnswer(
      kind.status,
      kind.errorType,
      bedrockNamespace,
      options.message ?? kind.message,
      context.sequence,
      headers,
    );
  },

  streamErrorFrame(options: ErrorAnswerOptions): StreamFrame {
    const kind = errorKind(options.status);
    return exceptionFrame(kind.streamType, options.message ?? kind.message);
  },

  garbledEventFrame(): StreamFrame {
    // The frame itself is sound; the Anthropic event it carries is cut mid-JSON.
    const bytes = Buffer.from('{"type":"content_block_delta","index":0,"delta":{"type":"text_del').toString('base64');
    return eventFrame('chunk', { bytes });
  },

  malformedAnswer(stream, _model, context): WireAnswer {
    const requestId = bedrockRequestId(context.sequence);
    if (!stream) {
      const body = '{"output":{"message":{"role":"assistant","content":[{"text":"cut sh';
      return {
        type: 'json',
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId },
        body,
      };
    }
    const broken = withBrokenChecksum(
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'cut short' } }),
    );
    return {
      type: 'stream',
      headers: eventStreamHeaders(requestId),
      frames: [eventFrame('messageStart', { role: 'assistant' }), broken],
    };
  },
};
