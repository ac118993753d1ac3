/**
 * @nightshift/protocol: the objects and rules of nightshift, with no I/O. PROTOCOL.md at the
 * repository root is the specification this package implements.
 */
export * from './bytes.ts';
export {
  type Decoded,
  decodeObject,
  decodeObjectWithBody,
  encodeObject,
  type Field,
  type FieldType,
  type ObjectCodec,
  SIGNATURE_FIELD,
} from './codec/schema.ts';
export * from './errors.ts';
export * from './hash.ts';
export * from './keys.ts';
export * from './limits.ts';
export * from './objects/attestation.ts';
export * from './objects/candidate.ts';
export * from './objects/commitment.ts';
export * from './objects/entry.ts';
export * from './objects/requests.ts';
export * from './objects/signed.ts';
export * from './objects/status.ts';
export * from './objects/target.ts';
export * from './objects/tree.ts';
export * from './rules/credit.ts';
export * from './rules/fork-choice.ts';
export * from './rules/improvement.ts';
export * from './rules/quorum.ts';
export * from './rules/receipt.ts';
export * from './rules/seed.ts';
export * from './tags.ts';
export * from './validation/attestation.ts';
export * from './validation/candidate.ts';
export * from './validation/commitment.ts';
export * from './validation/entry.ts';
export * from './validation/paths.ts';
export * from './validation/reveal.ts';
export * from './validation/target.ts';
export * from './validation/tree.ts';
