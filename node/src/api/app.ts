/**
 * The peer's HTTP API (fastify): built by one function from what it reads, so tests drive it
 * with `app.inject()` and no socket. Every route declares its request and response schemas;
 * every error, ours or fastify's, leaves through one handler as `{error: {code, message}}`.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError, type ApiErrorBody, type ApiErrorCode, HTTP_STATUS } from './errors.ts';
import { headsRoute } from './routes/heads.ts';
import { nodeRoute } from './routes/node.ts';
import type { ApiSources } from './sources.ts';

/** Request bodies are small signed payloads at most; refuse anything larger at once. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export function buildApi(sources: ApiSources): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const { code, message } = classify(err);
    const body: ApiErrorBody = { error: { code, message } };
    reply.status(HTTP_STATUS[code]).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ApiErrorBody = {
      error: { code: 'not_found', message: `no route ${request.method} ${request.url}` },
    };
    reply.status(HTTP_STATUS.not_found).send(body);
  });
  app.register(nodeRoute, { sources });
  app.register(headsRoute, { sources });
  return app;
}

function classify(err: FastifyError): { code: ApiErrorCode; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  // Schema failures and malformed requests (bad JSON, too large) carry a 4xx status.
  if (err.validation || (err.statusCode !== undefined && err.statusCode < 500)) {
    return { code: 'bad_request', message: err.message };
  }
  return { code: 'internal', message: 'internal error' };
}
