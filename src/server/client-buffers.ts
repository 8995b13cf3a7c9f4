// The bytes the gateway holds for clients that read slower than their answer arrives: the sum of every
// streaming response's socket write buffer. With backpressure honoured it stays near one buffer's
// high-water mark per slow client; it is the figure /metrics and /admin/health show, and what tests
// assert on instead of a flaky process RSS.
import type { Writable } from 'node:stream';

const streaming = new Set<Pick<Writable, 'writableLength'>>();

/** Counts a response's buffered bytes until the returned function is called. */
export function trackClientBuffer(response: Pick<Writable, 'writableLength'>): () => void {
  streaming.add(response);
  return () => {
    streaming.delete(response);
  };
}

/** Bytes waiting in client write buffers now, and how many streams hold them. */
export function clientBuffers(): { bytes: number; streams: number } {
  let bytes = 0;
  for (const response of streaming) bytes += response.writableLength;
  return { bytes, streams: streaming.size };
}
