// What other workspaces may import from the node package.
export { main } from './cli/main.ts';
export {
  type Ed25519PrivateKey,
  IDENTITY_FILE,
  type Identity,
  IdentityError,
  type IdentityErrorCode,
  type LoadedIdentity,
  loadIdentity,
  loadOrCreateIdentity,
  type PeerId,
} from './identity.ts';
