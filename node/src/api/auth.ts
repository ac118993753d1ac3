/**
 * Writes that are not signed objects (pausing the worker) need the node's local token:
 * `Authorization: Bearer <token>`. The token lives in `<dataDir>/api-token` (mode 0600), so
 * only the node's own user can read it; a browser on another site cannot send the header
 * without a CORS preflight this API never allows.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

export const TOKEN_FILE = 'api-token';

/** Writes a fresh random token to `<dataDir>/api-token`, readable by its owner only. */
export async function writeApiToken(dataDir: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const path = join(dataDir, TOKEN_FILE);
  const incoming = `${path}.${process.pid}.tmp`;
  await writeFile(incoming, `${token}\n`, { mode: 0o600 });
  await rename(incoming, path);
  return token;
}

/** A fastify preHandler: 401 without a bearer token, 403 with one that is not this node's. */
export function requireToken(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([^\s]+)$/.exec(header);
    if (!match) {
      throw new ApiError('unauthorized', 'this write needs Authorization: Bearer <api-token>');
    }
    // Compared as digests, in constant time: the answer says nothing about how close a guess was.
    if (expected === undefined || !timingSafeEqual(digest(match[1]!), expected)) {
      throw new ApiError('forbidden', "the token is not this node's api-token");
    }
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
