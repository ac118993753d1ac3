// POST /api/v1/targets {target: base64 of a signed Target's canonical bytes}: validated and
// stored as a gossiped target would be, then published. The author's signature is the
// authority, so no token is needed; what the protocol refuses comes back as `rejected`
// with the protocol's reason code.
import { hashHex, isProtocolError } from '@nightshift/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { GossipError } from '../../p2p/gossip/errors.ts';
import { ApiError, errorResponses } from '../errors.ts';
import type { ApiSources } from '../sources.ts';

/** Base64 of at most the largest target the protocol allows, with room to spare. */
const bodySchema = {
  type: 'object',
  required: ['target'],
  additionalProperties: false,
  properties: {
    target: {
      type: 'string',
      minLength: 4,
      maxLength: 256 * 1024,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
    },
  },
} as const;

const resultSchema = {
  type: 'object',
  required: ['id', 'stored', 'recipients'],
  properties: {
    id: { type: 'string' },
    stored: { type: 'boolean' },
    recipients: { type: 'integer' },
  },
} as const;

export const submitTargetRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (
  app,
  { sources },
) => {
  app.post<{ Body: { target: string } }>(
    '/api/v1/targets',
    { schema: { body: bodySchema, response: { 200: resultSchema, ...errorResponses } } },
    async (request) => {
      if (!sources.submitTarget) {
        throw new ApiError('unavailable', 'this node does not publish targets');
      }
      const bytes = Buffer.from(request.body.target, 'base64');
      try {
        const published = await sources.submitTarget(new Uint8Array(bytes));
        return { ...published, id: hashHex(published.id) };
      } catch (err) {
        if (isProtocolError(err)) {
          throw new ApiError('rejected', `the target is refused: ${err.message}`, err.code);
        }
        if (err instanceof GossipError) throw new ApiError('unavailable', 'the node is stopping');
        throw err;
      }
    },
  );
};
