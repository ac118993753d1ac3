/**
 * The peer's HTTP API (fastify) and the dashboard: built by one function from what it reads,
 * so tests drive it with `app.inject()` and no socket. Every route declares its request and
 * response schemas; every error, ours or fastify's, leaves through one handler as
 * `{error: {code, message}}` with the status of errors.ts's table.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError, type ApiErrorBody, type ApiErrorCode, HTTP_STATUS } from './errors.ts';
import { attestationsRoute } from './routes/attestations.ts';
import { candidatesRoute } from './routes/candidates.ts';
import { chainRoute } from './routes/chain.ts';
import { dashboardRoute } from './routes/dashboard.ts';
import { entryRoute } from './routes/entry.ts';
import { eventsRoute } from './routes/events.ts';
import { headsRoute } from './routes/heads.ts';
import { leaderboardRoute } from './routes/leaderboard.ts';
import { nodeRoute } from './routes/node.ts';
import { peersRoute } from './routes/peers.ts';
import { submitTargetRoute } from './routes/submit-target.ts';
import { targetsRoute } from './routes/targets.ts';
import { workerRoute } from './routes/worker.ts';
import type { ApiSources } from './sources.ts';

/** Request bodies are small signed payloads at most; refuse anything larger at once. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ApiOptions {
  /** How often a quiet event stream sends a comment line (15 s). */
  heartbeatMs?: number;
}

export function buildApi(sources: ApiSources, options: ApiOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const { code, message, reason } = classify(err);
    const body: ApiErrorBody = { error: { code, message, ...(reason && { reason }) } };
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
  app.register(targetsRoute, { sources });
  app.register(submitTargetRoute, { sources });
  app.register(chainRoute, { sources });
  app.register(entryRoute, { sources });
  app.register(candidatesRoute, { sources });
  app.register(attestationsRoute, { sources });
  app.register(leaderboardRoute, { sources });
  app.register(peersRoute, { sources });
  app.register(workerRoute, { sources });
  app.register(eventsRoute, { sources, heartbeatMs: options.heartbeatMs ?? 15_000 });
  app.register(dashboardRoute);
  return app;
}

function classify(err: FastifyError): { code: ApiErrorCode; message: string; reason?: string } {
  if (err instanceof ApiError) {
    return { code: err.code, message: err.message, ...(err.reason && { reason: err.reason }) };
  }
  // Schema failures and malformed requests (bad JSON, too large) carry a 4xx status.
  if (err.validation || (err.statusCode !== undefined && err.statusCode < 500)) {
    return { code: 'bad_request', message: err.message };
  }
  return { code: 'internal', message: 'internal error' };
}
