// GET /api/v1/heads: the canonical head of every target this peer stores.
import { hashHex } from '@nightshift/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { errorBodySchema } from '../errors.ts';
import type { ApiSources } from '../sources.ts';

const headsSchema = {
  type: 'object',
  required: ['heads'],
  properties: {
    heads: {
      type: 'array',
      items: {
        type: 'object',
        required: ['target', 'name', 'head', 'height', 'metric'],
        properties: {
          target: { type: 'string' },
          name: { type: 'string' },
          head: { type: 'string' },
          height: { type: 'integer' },
          metric: { type: 'number' },
        },
      },
    },
  },
} as const;

export const headsRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (app, { sources }) => {
  app.get(
    '/api/v1/heads',
    { schema: { response: { 200: headsSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } } },
    async () => {
      const heads = [];
      for (const head of await sources.store.entries.heads()) {
        const target = await sources.store.targets.get(head.target);
        heads.push({
          target: hashHex(head.target),
          name: target?.name ?? '',
          head: hashHex(head.head),
          height: head.height,
          metric: head.metric,
        });
      }
      return { heads };
    },
  );
};
