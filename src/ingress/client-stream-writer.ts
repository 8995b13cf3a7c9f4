// What the router hands a finished stream to: a writer that speaks the client's SSE dialect.
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { GatewayError } from '../canonical/gateway-error.js';

/**
 * Where a writer's bytes go (the HTTP response; headers are already sent by the server). SSE writers
 * write text; a binary dialect (Bedrock's event stream) writes bytes.
 */
export interface StreamSink {
  write(chunk: string | Uint8Array): void;
  end(): void;
}

export interface ClientStreamWriter {
  /** Writes one canonical event in the client's format. */
  write(event: CanonicalStreamEvent): void;
  /** Ends the stream with an in-band error in the client's format (content already went out). */
  fail(error: GatewayError): void;
  /** A keep-alive for an idle stream (Anthropic `ping` event; an SSE comment for OpenAI). */
  ping(): void;
  /** True once the stream was finished or failed: nothing more will be written. */
  readonly done: boolean;
}
