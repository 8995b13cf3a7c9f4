// The JSON body parser: fastify's own (its prototype-poisoning checks and its errors), which also keeps
// the body's text as the client sent it, so a same-format upstream can receive those very bytes.
import type { FastifyInstance, FastifyRequest } from 'fastify';

const texts = new WeakMap<FastifyRequest, string>();

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    texts.set(request, body as string);
    parse(request, body as string, done);
  });
}

/** The request's JSON body text as received, when it had one. */
export function bodyTextOf(request: FastifyRequest): string | undefined {
  return texts.get(request);
}
