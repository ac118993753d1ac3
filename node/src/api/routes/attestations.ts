// GET /api/v1/targets/:target/attestations[?limit=]: the verifiers' verdicts this node holds
// on the target's candidates, newest first.
import { candidateStatuses } from '@nightshift/verifier';
import type { FastifyPluginAsync } from 'fastify';
import { attestationRow, attestationRowSchema } from '../attestation-row.ts';
import { errorResponses } from '../errors.ts';
import { limitQuery, targetParams } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';
import { targetFromParam } from '../target-param.ts';

export const attestationsRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (
  app,
  { sources },
) => {
  app.get<{ Params: { target: string }; Querystring: { limit: number } }>(
    '/api/v1/targets/:target/attestations',
    {
      schema: {
        params: targetParams,
        querystring: limitQuery,
        response: {
          200: {
            type: 'object',
            required: ['attestations'],
            properties: { attestations: { type: 'array', items: attestationRowSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { store } = sources;
      const { id } = await targetFromParam(store, request.params.target);
      const rows = [];
      for (const candidate of await candidateStatuses(store, id)) {
        for (const stored of await store.attestations.byCandidate(candidate.id)) {
          rows.push(attestationRow(stored.id, stored.attestation));
        }
      }
      rows.sort((a, b) => b.createdAt - a.createdAt);
      return { attestations: rows.slice(0, request.query.limit) };
    },
  );
};
