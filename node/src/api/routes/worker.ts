// GET /api/v1/worker: the local worker's state and its latest experiments. POST
// /api/v1/worker/pause and /resume (local token): stop or restart its experiments. A node
// that runs no worker answers `worker: null`, and `no_worker` to the writes.
import type { FastifyPluginAsync } from 'fastify';
import { requireToken } from '../auth.ts';
import { ApiError, errorResponses } from '../errors.ts';
import { limitQuery } from '../schemas.ts';
import type { ApiSources, WorkerControl } from '../sources.ts';

const stateSchema = {
  type: ['object', 'null'],
  required: ['target', 'name', 'status', 'experiments'],
  properties: {
    target: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['waiting', 'running', 'paused', 'stopped'] },
    experiments: { type: 'integer' },
    best: { type: 'number' },
  },
} as const;

const journalSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['n', 'tree', 'parent', 'status', 'reason', 'seconds', 'description', 'at'],
    properties: {
      n: { type: 'integer' },
      tree: { type: 'string' },
      parent: { type: 'string' },
      status: { type: 'string' },
      reason: { type: 'string' },
      metric: { type: 'number' },
      seconds: { type: 'number' },
      description: { type: 'string' },
      params: { type: 'object', additionalProperties: { type: 'string' } },
      at: { type: 'integer' },
    },
  },
} as const;

export const workerRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (
  app,
  { sources },
) => {
  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/worker',
    {
      schema: {
        querystring: limitQuery,
        response: {
          200: {
            type: 'object',
            required: ['worker', 'journal'],
            properties: { worker: stateSchema, journal: journalSchema },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const worker = sources.worker;
      if (!worker) return { worker: null, journal: [] };
      const journal = await worker.journal();
      return { worker: worker.state(), journal: journal.slice(-request.query.limit).reverse() };
    },
  );

  const write = (act: (worker: WorkerControl) => Promise<void> | void) => async () => {
    const worker = sources.worker;
    if (!worker) throw new ApiError('no_worker', 'this node runs no worker');
    await act(worker);
    return { worker: worker.state() };
  };
  const writeSchema = {
    response: {
      200: { type: 'object', required: ['worker'], properties: { worker: stateSchema } },
      ...errorResponses,
    },
  };
  const preHandler = requireToken(sources.token);
  app.post(
    '/api/v1/worker/pause',
    { schema: writeSchema, preHandler },
    write((w) => w.pause()),
  );
  app.post(
    '/api/v1/worker/resume',
    { schema: writeSchema, preHandler },
    write((w) => w.resume()),
  );
};
