// Answers for errors the HTTP parser raises before any route runs (headers too large, a request that
// does not arrive in time, malformed HTTP). The URL is not known yet, so the body is the one shape both
// SDKs read: Anthropic's `{type: "error", error: {type, message}}` with OpenAI's `code` and `param`
// beside them. The connection is closed after it, as Node does.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

function answerFor(code: string | undefined): { status: number; type: string; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, type: 'timeout_error', message: 'the request was not received in time' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, type: 'request_too_large', message: 'the request headers are too large' };
  }
  return { status: 400, type: 'invalid_request_error', message: 'the request is not valid HTTP' };
}

export function writeClientErrorAnswer(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, type, message } = answerFor(error.code);
  const body = JSON.stringify({ type: 'error', error: { type, message, code: type, param: null } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nx-should-retry: false\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
