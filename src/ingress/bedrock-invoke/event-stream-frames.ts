// Binary `application/vnd.amazon.eventstream` frames as Bedrock's InvokeModelWithResponseStream sends
// them (docs/protocols/bedrock.md §3.4, §3.5): a `chunk` event whose payload is {"bytes": base64(one Anthropic
// stream event JSON)}, or an exception whose `:exception-type` is a member of Bedrock's ResponseStream
// union. Encoded with the Smithy codec, so lengths and both CRCs are what the AWS SDKs check.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** The exception members of Bedrock's ResponseStream that a gateway failure can be told as. */
export type BedrockStreamExceptionType =
  | 'internalServerException'
  | 'throttlingException'
  | 'serviceUnavailableException'
  | 'modelTimeoutException'
  | 'validationException';

type MessageHeaders = Parameters<EventStreamCodec['encode']>[0]['headers'];

// Encoding keeps no state between messages (only decoding buffers), so one codec serves every stream.
const codec = new EventStreamCodec(toUtf8, fromUtf8);

const chunkHeaders: MessageHeaders = {
  ':event-type': { type: 'string', value: 'chunk' },
  ':content-type': { type: 'string', value: 'application/json' },
  ':message-type': { type: 'string', value: 'event' },
};

/** A chunk frame carrying one Anthropic stream event, given as its JSON text. */
export function encodeChunkFrame(eventJson: string): Uint8Array {
  const payload = `{"bytes":"${Buffer.from(eventJson, 'utf8').toString('base64')}"}`;
  return codec.encode({ headers: chunkHeaders, body: fromUtf8(payload) });
}

/** An exception frame: the AWS SDKs throw it as that exception, with `message` from the payload. */
export function encodeExceptionFrame(type: BedrockStreamExceptionType, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Which exception a failure is told as, from its Anthropic error type (what the stream writer knows). */
export function exceptionTypeForAnthropicError(errorType: string | undefined): BedrockStreamExceptionType {
  switch (errorType) {
    case 'rate_limit_error':
      return 'throttlingException';
    case 'overloaded_error':
      return 'serviceUnavailableException';
    case 'timeout_error':
      return 'modelTimeoutException';
    case 'invalid_request_error':
    case 'request_too_large':
      return 'validationException';
    default:
      return 'internalServerException';
  }
}
