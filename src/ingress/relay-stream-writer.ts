// The relay lane's stream writer: the upstream's own events go to the client exactly as they came.
// The writer adds nothing while the stream is healthy — no pings (the upstream sends its own), no
// re-encoding. Only when the gateway itself must end the stream (the upstream went silent or broke
// off after content went out) does the client's own translate writer write one error in its format.
import type { GatewayError } from '../canonical/gateway-error.js';
import type { CanonicalStreamEvent } from '../canonical/stream-event.js';
import type { ClientStreamWriter, StreamSink } from './client-stream-writer.js';

export function createRelayStreamWriter(sink: StreamSink, fallback: ClientStreamWriter): ClientStreamWriter {
  let done = false;
  const end = () => {
    done = true;
    sink.end();
  };
  return {
    get done() {
      return done || fallback.done;
    },
    write(event: CanonicalStreamEvent): void {
      if (done) return;
      if (event.type === 'relay') {
        sink.write(event.data);
        return;
      }
      // The finish was read beside the relay; its bytes (message_stop, [DONE]) already went out.
      if (event.type === 'finish') return end();
      if (event.type === 'error') {
        if (event.relayed === undefined) return fallback.write(event);
        sink.write(event.relayed);
        return end();
      }
    },
    fail(error: GatewayError): void {
      if (done) return;
      done = true;
      fallback.fail(error);
    },
    ping(): void {},
  };
}
