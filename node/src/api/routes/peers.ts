// GET /api/v1/peers: the peers connected now. GET /api/v1/reputation: the record of every
// author this node holds a candidate from (verified runs, failures, bans).
import { hashHex } from '@nightshift/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { keyView } from '../../views/index.ts';
import { CANDIDATE_STATUSES } from '../candidate-rows.ts';
import { errorResponses } from '../errors.ts';
import { connectedPeersSchema, keyViewSchema, limitQuery } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';

const peersSchema = {
  type: 'object',
  required: ['peers'],
  properties: {
    peers: connectedPeersSchema,
  },
} as const;

const reputationSchema = {
  type: 'object',
  required: ['authors'],
  properties: {
    authors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['author', 'verified', 'failed', 'bannedUntil', 'updatedAt'],
        properties: {
          author: keyViewSchema,
          verified: { type: 'integer' },
          failed: { type: 'integer' },
          bannedUntil: { type: 'integer' },
          updatedAt: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const peersRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (app, { sources }) => {
  app.get(
    '/api/v1/peers',
    { schema: { response: { 200: peersSchema, ...errorResponses } } },
    async () => ({ peers: sources.connections() }),
  );

  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/reputation',
    { schema: { querystring: limitQuery, response: { 200: reputationSchema, ...errorResponses } } },
    async (request) => {
      const { store } = sources;
      const authors = new Map<string, Uint8Array>();
      for (const status of CANDIDATE_STATUSES) {
        for await (const id of store.candidates.withStatus(status)) {
          if (authors.size >= request.query.limit) break;
          const stored = await store.candidates.get(id);
          if (stored) authors.set(hashHex(stored.candidate.author), stored.candidate.author);
        }
      }
      const rows = [];
      for (const key of authors.values()) {
        const record = await store.reputation.get(key);
        rows.push({ author: keyView(key), ...record });
      }
      rows.sort((a, b) => b.verified - a.verified || b.updatedAt - a.updatedAt);
      return { authors: rows };
    },
  );
};
