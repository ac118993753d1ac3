// GET /api/v1/targets/:target/chain: the canonical chain (each entry with its change against
// its parent) and the orphaned entries, as the views build them.
import type { FastifyPluginAsync } from 'fastify';
import { chainView } from '../../views/index.ts';
import { ApiError, errorResponses } from '../errors.ts';
import { entryRowSchema, targetParams } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';
import { targetFromParam } from '../target-param.ts';

const chainSchema = {
  type: 'object',
  required: ['target', 'name', 'metric', 'direction', 'head', 'length', 'canonical', 'orphans'],
  properties: {
    target: { type: 'string' },
    name: { type: 'string' },
    metric: { type: 'string' },
    direction: { type: 'string' },
    head: { type: ['string', 'null'] },
    /** The canonical chain's length, whatever part of it `from` and `limit` select. */
    length: { type: 'integer' },
    canonical: { type: 'array', items: entryRowSchema },
    orphans: { type: 'array', items: entryRowSchema },
  },
} as const;

const chainQuery = {
  type: 'object',
  properties: {
    from: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: 10000 },
  },
} as const;

export const chainRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (app, { sources }) => {
  app.get<{ Params: { target: string }; Querystring: { from: number; limit: number } }>(
    '/api/v1/targets/:target/chain',
    {
      schema: {
        params: targetParams,
        querystring: chainQuery,
        response: { 200: chainSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = await targetFromParam(sources.store, request.params.target);
      const view = await chainView(sources.store, id, { orphans: true });
      if (!view) throw new ApiError('not_found', `target ${request.params.target} is not stored`);
      const { from, limit } = request.query;
      return {
        target: view.target.id,
        name: view.target.name,
        metric: view.target.metric.name,
        direction: view.target.metric.direction,
        head: view.head,
        length: view.entries.length,
        canonical: view.entries.slice(from, from + limit),
        orphans: view.orphans.slice(0, limit),
      };
    },
  );
};
