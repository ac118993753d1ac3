// GET /api/v1/entries/:hash: one entry, its attestations, and the diff of its tree against
// its parent's (file by file, with a unified diff for small text files).
import { ATTESTATION, fromHex, hashHex, idOf } from '@nightshift/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { entryDiff, entryView } from '../../views/index.ts';
import { attestationRow, attestationRowSchema } from '../attestation-row.ts';
import { ApiError, errorResponses } from '../errors.ts';
import { entryRowSchema, hexHash } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';

const fileSide = {
  type: 'object',
  required: ['blob', 'size', 'executable'],
  properties: {
    blob: { type: 'string' },
    size: { type: 'integer' },
    executable: { type: 'boolean' },
  },
} as const;

const diffSchema = {
  type: 'object',
  required: ['parent', 'tree', 'parentTree', 'missingTrees', 'files'],
  properties: {
    parent: { type: ['string', 'null'] },
    tree: { type: 'string' },
    parentTree: { type: ['string', 'null'] },
    missingTrees: { type: 'array', items: { type: 'string' } },
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'status'],
        properties: {
          path: { type: 'string' },
          status: { type: 'string', enum: ['added', 'removed', 'changed'] },
          old: fileSide,
          new: fileSide,
          diff: { type: 'string' },
          noDiff: { type: 'string' },
        },
      },
    },
  },
} as const;

const entrySchema = {
  type: 'object',
  required: ['target', 'entry', 'attestations', 'diff'],
  properties: {
    target: { type: 'string' },
    entry: entryRowSchema,
    attestations: { type: 'array', items: attestationRowSchema },
    diff: diffSchema,
  },
} as const;

export const entryRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (app, { sources }) => {
  app.get<{ Params: { hash: string } }>(
    '/api/v1/entries/:hash',
    {
      schema: {
        params: { type: 'object', required: ['hash'], properties: { hash: hexHash } },
        response: { 200: entrySchema, ...errorResponses },
      },
    },
    async (request) => {
      const { store } = sources;
      const hash = fromHex(request.params.hash);
      const entry = await store.entries.get(hash);
      const row = entry && (await entryView(store, hash));
      const diff = entry && (await entryDiff(store, hash));
      if (!entry || !row || !diff) {
        throw new ApiError('not_found', `no stored entry ${request.params.hash}`);
      }
      return {
        target: hashHex(entry.target),
        entry: row,
        attestations: entry.attestations.map((a) => attestationRow(idOf(ATTESTATION, a), a)),
        diff,
      };
    },
  );
};
