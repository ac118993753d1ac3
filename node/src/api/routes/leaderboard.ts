// GET /api/v1/targets/:target/leaderboard: contributors by verified improvements and
// verified compute (leaderboard.ts says how each is counted).
import type { FastifyPluginAsync } from 'fastify';
import { chainView } from '../../views/index.ts';
import { ApiError, errorResponses } from '../errors.ts';
import { leaderboard } from '../leaderboard.ts';
import { keyViewSchema, targetParams } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';
import { targetFromParam } from '../target-param.ts';

const contributorSchema = {
  type: 'object',
  required: ['author', 'improvements', 'compute', 'experiments', 'entries', 'best', 'lastAt'],
  properties: {
    author: keyViewSchema,
    improvements: { type: 'integer' },
    compute: { type: 'integer' },
    experiments: { type: 'integer' },
    entries: { type: 'integer' },
    best: { type: ['number', 'null'] },
    lastAt: { type: 'integer' },
  },
} as const;

export const leaderboardRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (
  app,
  { sources },
) => {
  app.get<{ Params: { target: string } }>(
    '/api/v1/targets/:target/leaderboard',
    {
      schema: {
        params: targetParams,
        response: {
          200: {
            type: 'object',
            required: ['contributors'],
            properties: { contributors: { type: 'array', items: contributorSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = await targetFromParam(sources.store, request.params.target);
      const view = await chainView(sources.store, id, { orphans: true });
      if (!view) throw new ApiError('not_found', `target ${request.params.target} is not stored`);
      return { contributors: leaderboard(view) };
    },
  );
};
