// GET /api/v1/targets: every stored target with its head; GET /api/v1/targets/:target: one
// target's manifest, verifiers and quorum.
import { type Hash, hashHex, type Target } from '@nightshift/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { errorResponses } from '../errors.ts';
import { targetParams } from '../schemas.ts';
import type { ApiSources } from '../sources.ts';
import { targetFromParam } from '../target-param.ts';

const headSchema = {
  type: ['object', 'null'],
  required: ['hash', 'height', 'metric'],
  properties: { hash: { type: 'string' }, height: { type: 'integer' }, metric: { type: 'number' } },
} as const;

const summaryProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  author: { type: 'string' },
  metric: {
    type: 'object',
    required: ['name', 'direction'],
    properties: { name: { type: 'string' }, direction: { type: 'string' } },
  },
  hardware: { type: 'string' },
  minDelta: { type: 'number' },
  tolerance: { type: 'number' },
  runs: { type: 'integer' },
  quorum: { type: 'integer' },
  verifiers: { type: 'array', items: { type: 'string' } },
  createdAt: { type: 'integer' },
  head: headSchema,
  entries: { type: 'integer' },
} as const;

const summaryRequired = Object.keys(summaryProperties);

const summarySchema = {
  type: 'object',
  required: summaryRequired,
  properties: summaryProperties,
} as const;

const argv = { type: 'array', items: { type: 'string' } } as const;

const detailSchema = {
  type: 'object',
  required: [...summaryRequired, 'baseline', 'mutablePaths', 'heldOutPaths', 'program'],
  properties: {
    ...summaryProperties,
    baseline: { type: 'string' },
    mutablePaths: argv,
    heldOutPaths: argv,
    program: { type: 'string' },
    setup: argv,
    run: argv,
    score: argv,
    predict: argv,
    metricSource: {
      type: 'object',
      properties: {
        source: { type: 'string' },
        pattern: { type: 'string' },
        file: { type: 'string' },
      },
    },
    limits: {
      type: 'object',
      properties: {
        wallSeconds: { type: 'integer' },
        memoryMb: { type: 'integer' },
        outputMb: { type: 'integer' },
        processes: { type: 'integer' },
      },
    },
    revealDelayMs: { type: 'integer' },
    searchSpace: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          file: { type: 'string' },
          kind: { type: 'string' },
          min: { type: 'number' },
          max: { type: 'number' },
          choices: argv,
        },
      },
    },
  },
} as const;

type Store = ApiSources['store'];

async function summary(store: Store, id: Hash, target: Target) {
  const head = await store.entries.head(id);
  return {
    id: hashHex(id),
    name: target.name,
    description: target.description,
    author: hashHex(target.author),
    metric: { name: target.metric.name, direction: target.metric.direction },
    hardware: target.hardware,
    minDelta: target.minDelta,
    tolerance: target.tolerance,
    runs: target.runs,
    quorum: target.quorum,
    verifiers: target.verifiers.map(hashHex),
    createdAt: target.createdAt,
    head: head ? { hash: hashHex(head.head), height: head.height, metric: head.metric } : null,
    entries: await store.entries.count(id),
  };
}

export const targetsRoute: FastifyPluginAsync<{ sources: ApiSources }> = async (
  app,
  { sources },
) => {
  const { store } = sources;

  app.get(
    '/api/v1/targets',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['targets'],
            properties: { targets: { type: 'array', items: summarySchema } },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const targets = [];
      for await (const id of store.targets.ids()) {
        const target = await store.targets.get(id);
        if (target) targets.push(await summary(store, id, target));
      }
      return { targets };
    },
  );

  app.get<{ Params: { target: string } }>(
    '/api/v1/targets/:target',
    { schema: { params: targetParams, response: { 200: detailSchema, ...errorResponses } } },
    async (request) => {
      const { id, target } = await targetFromParam(store, request.params.target);
      return {
        ...(await summary(store, id, target)),
        baseline: hashHex(target.baseline),
        mutablePaths: target.mutablePaths,
        heldOutPaths: target.heldOutPaths,
        program: target.program,
        ...(target.setup && { setup: target.setup }),
        run: target.run,
        score: target.score,
        ...(target.predict && { predict: target.predict }),
        metricSource: {
          source: target.metric.source,
          pattern: target.metric.pattern,
          ...(target.metric.file !== undefined && { file: target.metric.file }),
        },
        limits: target.limits,
        revealDelayMs: target.revealDelayMs,
        searchSpace: target.searchSpace,
      };
    },
  );
};
