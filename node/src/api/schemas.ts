// JSON schema fragments that several routes share: hashes, keys, entry rows, target params.

export const hexHash = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** A target as people name it: its name, its id, or an id prefix of at least 4 digits. */
export const targetParams = {
  type: 'object',
  required: ['target'],
  properties: { target: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export const effortSchema = {
  type: 'object',
  required: ['experiments', 'seconds'],
  properties: { experiments: { type: 'integer' }, seconds: { type: 'integer' } },
} as const;

/** A key as the views show it (views/keys.ts): raw hex and its libp2p peer id. */
export const keyViewSchema = {
  type: 'object',
  required: ['key', 'peerId'],
  properties: { key: { type: 'string' }, peerId: { type: 'string' } },
} as const;

/** One log entry as the chain views show it (EntryRow in views/chain.ts). */
export const entryRowSchema = {
  type: 'object',
  required: [
    'height',
    'hash',
    'parent',
    'metric',
    'change',
    'improved',
    'author',
    'verifiers',
    'description',
    'time',
    'tree',
    'candidate',
    'effort',
    'canonical',
  ],
  properties: {
    height: { type: 'integer' },
    hash: { type: 'string' },
    parent: { type: ['string', 'null'] },
    metric: { type: 'number' },
    change: { type: ['number', 'null'] },
    improved: { type: ['boolean', 'null'] },
    author: keyViewSchema,
    verifiers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'peerId', 'metric'],
        properties: {
          key: { type: 'string' },
          peerId: { type: 'string' },
          metric: { type: ['number', 'null'] },
        },
      },
    },
    description: { type: 'string' },
    time: { type: 'integer' },
    tree: { type: 'string' },
    candidate: { type: 'string' },
    effort: effortSchema,
    canonical: { type: 'boolean' },
  },
} as const;

/** `?limit=` for the routes that list: at most 1000 rows, 100 by default. */
export const limitQuery = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
} as const;

/** A connected peer: its id and the address of the connection. */
export const connectedPeersSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['peerId', 'address'],
    properties: { peerId: { type: 'string' }, address: { type: 'string' } },
  },
} as const;
