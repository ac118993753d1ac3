import { decodeObject, defineObject, encodeObject } from '../codec/schema.ts';
import type { Hash } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { KIND, VERSION } from '../tags.ts';
import { F64, HASH, UINT } from './fields.ts';

export interface Head {
  target: Hash;
  head: Hash;
  height: number;
  metric: number;
}

/** The status handshake: a peer's canonical head per target, sorted by target id. */
export interface Status {
  heads: Head[];
}

export const statusCodec = defineObject<Status>({
  kind: KIND.status,
  version: VERSION,
  name: 'status',
  maxSize: LIMITS.statusBytes,
  fields: [
    {
      no: 1,
      name: 'heads',
      type: {
        type: 'list',
        max: LIMITS.maxStatusHeads,
        sortKey: (h: Head) => h.target,
        of: {
          type: 'struct',
          fields: [
            { no: 1, name: 'target', type: HASH },
            { no: 2, name: 'head', type: HASH },
            { no: 3, name: 'height', type: UINT },
            { no: 4, name: 'metric', type: F64 },
          ],
        },
      },
    },
  ],
});

export const encodeStatus = (status: Status): Uint8Array => encodeObject(statusCodec, status);
export const decodeStatus = (bytes: Uint8Array): Status => decodeObject(statusCodec, bytes);
