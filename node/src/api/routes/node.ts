// GET /api/v1/node: who this peer is, where it listens and whom it is connected to.
import type { FastifyPluginAsync } from 'fastify';
import { errorBodySchema } from '../errors.ts';
import { connectedPeersSchema } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';

const nodeSchema = {
  type: 'object',
  required: ['peerId', 'version', 'addresses', 'peers'],
  properties: {
    peerId: { type: 'string' },
    version: { type: 'string' },
    addresses: { type: 'array', items: { type: 'string' } },
    peers: connectedPeersSchema,
  },
} as const;

export const nodeRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (app, { sources }) => {
  app.get(
    '/api/v1/node',
    { schema: { response: { 200: nodeSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } } },
    async () => ({
      peerId: sources.peerId,
      version: sources.version,
      addresses: sources.multiaddrs(),
      peers: sources.connections(),
    }),
  );
};
