// The dashboard: GET / is its page; GET /dashboard/<file> its script and style, read from
// node/src/dashboard/ once at start (a handful of small files; no bundler, no build).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

/** Only this page's own files and API; no inline script, nothing from elsewhere. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const dashboardRoute: FastifyPluginAsync = async (app) => {
  const contents = new Map<string, Buffer>();
  for (const name of Object.keys(FILES))
    contents.set(name, readFileSync(join(DASHBOARD_DIR, name)));

  const serve = (name: string) => ({
    type: FILES[name]!,
    body: contents.get(name)!,
  });
  const headers = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };

  app.get('/', async (_request, reply) => {
    const file = serve('index.html');
    return reply.headers(headers).type(file.type).send(file.body);
  });

  app.get<{ Params: { file: string } }>(
    '/dashboard/:file',
    {
      schema: {
        params: {
          type: 'object',
          required: ['file'],
          properties: { file: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      if (!Object.hasOwn(FILES, request.params.file)) {
        throw new ApiError('not_found', `no dashboard file ${request.params.file}`);
      }
      const file = serve(request.params.file);
      return reply.headers(headers).type(file.type).send(file.body);
    },
  );
};
