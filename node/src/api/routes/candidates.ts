// GET /api/v1/targets/:target/candidates[?status=rejected&limit=50]: the candidates this
// node has seen for a target, where each stands in verification and why (reason codes).
import type { CandidateStatus } from '@nightshift/store';
import { candidateStatuses } from '@nightshift/verifier';
import type { FastifyPluginAsync } from 'fastify';
import { CANDIDATE_STATUSES, candidateRow } from '../candidate-rows.ts';
import { errorResponses } from '../errors.ts';
import { effortSchema, keyViewSchema, targetParams } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';
import { targetFromParam } from '../target-param.ts';

const candidateSchema = {
  type: 'object',
  required: [
    'id',
    'status',
    'reason',
    'receivedAt',
    'updatedAt',
    'parent',
    'tree',
    'claim',
    'description',
    'author',
    'effort',
    'createdAt',
  ],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: CANDIDATE_STATUSES },
    reason: { type: 'string' },
    receivedAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    parent: { type: 'string' },
    tree: { type: 'string' },
    claim: { type: 'number' },
    description: { type: 'string' },
    author: keyViewSchema,
    effort: effortSchema,
    createdAt: { type: 'integer' },
  },
} as const;

const query = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: CANDIDATE_STATUSES },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

export const candidatesRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (
  app,
  { sources },
) => {
  app.get<{
    Params: { target: string };
    Querystring: { status?: CandidateStatus; limit: number };
  }>(
    '/api/v1/targets/:target/candidates',
    {
      schema: {
        params: targetParams,
        querystring: query,
        response: {
          200: {
            type: 'object',
            required: ['candidates'],
            properties: { candidates: { type: 'array', items: candidateSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = await targetFromParam(sources.store, request.params.target);
      const { status, limit } = request.query;
      const rows = await candidateStatuses(sources.store, id);
      const chosen = status ? rows.filter((row) => row.status === status) : rows;
      return { candidates: chosen.slice(0, limit).map(candidateRow) };
    },
  );
};
