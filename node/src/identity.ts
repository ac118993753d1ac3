// A node's identity: one Ed25519 key kept in the data directory, from which its libp2p peer
// id derives. The key signs everything the node gossips, so losing or leaking it loses the
// credit for its verified work: it is written atomically, never overwritten, and refused when
// other users could read it (as ssh refuses a private key with loose permissions).
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';

/** The key file's name inside the data directory. */
export const IDENTITY_FILE = 'identity.key';
const DATA_DIR_MODE = 0o700;
const KEY_FILE_MODE = 0o600;
/** Permission bits that let anyone but the owner read, write or run the key file. */
const GROUP_OTHER_BITS = 0o077;

// The key and peer id types live in @libp2p/interface, which is not (yet) a dependency of
// this package; take them from the functions that produce them.
const generateEd25519Key = () => generateKeyPair('Ed25519');
export type Ed25519PrivateKey = Awaited<ReturnType<typeof generateEd25519Key>>;
export type PeerId = ReturnType<typeof peerIdFromPrivateKey>;

export interface Identity {
  privateKey: Ed25519PrivateKey;
  peerId: PeerId;
  /** Absolute path of the key file. */
  keyPath: string;
}

export interface LoadedIdentity extends Identity {
  /** True when this call generated the key, false when it already existed. */
  created: boolean;
}

export type IdentityErrorCode =
  /** The data directory cannot be created or written. */
  | 'data_dir_unwritable'
  /** There is no key file yet (`nightshift init` creates one). */
  | 'identity_missing'
  /** The key file exists but does not hold a valid Ed25519 key. */
  | 'identity_corrupt'
  /** The key file can be read or written by users other than its owner. */
  | 'identity_insecure';

export class IdentityError extends Error {
  static override readonly name = 'IdentityError';
  override readonly name = IdentityError.name;

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Loads the identity in `dataDir`; fails with `identity_missing` if there is none. */
export async function loadIdentity(dataDir: string): Promise<Identity> {
  const keyPath = join(dataDir, IDENTITY_FILE);
  await checkKeyFile(keyPath);
  const bytes = await readFile(keyPath).catch((err: unknown) => {
    throw new IdentityError(
      'identity_corrupt',
      `cannot read ${keyPath}: ${describe(err)}`,
      keyPath,
      {
        cause: err,
      },
    );
  });
  const privateKey = await decodeKey(bytes, keyPath);
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), keyPath };
}

/**
 * Loads the identity in `dataDir`, creating the directory (0700) and a new key (0600) when
 * there is none yet. Two processes racing to create it end up with the same key.
 */
export async function loadOrCreateIdentity(dataDir: string): Promise<LoadedIdentity> {
  await ensureDataDir(dataDir);
  try {
    return { ...(await loadIdentity(dataDir)), created: false };
  } catch (err) {
    if (!(err instanceof IdentityError && err.code === 'identity_missing')) throw err;
  }
  const privateKey = await generateEd25519Key();
  const keyPath = join(dataDir, IDENTITY_FILE);
  const written = await writeKeyOnce(keyPath, privateKeyToProtobuf(privateKey));
  if (!written) return { ...(await loadIdentity(dataDir)), created: false };
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), keyPath, created: true };
}

async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    const created = await mkdir(dataDir, { recursive: true, mode: DATA_DIR_MODE });
    // mkdir's mode is filtered by the umask; set it exactly on the directory we made.
    if (created !== undefined) await chmod(dataDir, DATA_DIR_MODE);
  } catch (err) {
    throw new IdentityError(
      'data_dir_unwritable',
      `cannot create the data directory ${dataDir}: ${describe(err)}`,
      dataDir,
      { cause: err },
    );
  }
}

async function checkKeyFile(keyPath: string): Promise<void> {
  const info = await stat(keyPath).catch((err: unknown) => {
    if (errno(err) === 'ENOENT') {
      throw new IdentityError(
        'identity_missing',
        `no identity at ${keyPath}; run \`nightshift init\` to create one`,
        keyPath,
      );
    }
    throw new IdentityError(
      'identity_corrupt',
      `cannot read ${keyPath}: ${describe(err)}`,
      keyPath,
      {
        cause: err,
      },
    );
  });
  if (!info.isFile()) {
    throw new IdentityError('identity_corrupt', `${keyPath} is not a regular file`, keyPath);
  }
  // Windows has no POSIX permission bits: stat reports made-up ones.
  if (process.platform !== 'win32' && (info.mode & GROUP_OTHER_BITS) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new IdentityError(
      'identity_insecure',
      `permissions ${mode} on ${keyPath} are too open: the private key must be accessible by its owner only; run \`chmod 600 ${keyPath}\``,
      keyPath,
    );
  }
}

async function decodeKey(bytes: Uint8Array, keyPath: string): Promise<Ed25519PrivateKey> {
  let key: ReturnType<typeof privateKeyFromProtobuf>;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (err) {
    throw corrupt(keyPath, `it does not decode as a private key (${describe(err)})`, err);
  }
  if (key.type !== 'Ed25519') {
    throw corrupt(keyPath, `it holds a ${key.type} key; nightshift identities are Ed25519`);
  }
  // A flipped bit in the stored public half decodes fine but signs what nobody can verify.
  const probe = new TextEncoder().encode('nightshift identity self-check');
  if (!(await key.publicKey.verify(probe, await key.sign(probe)))) {
    throw corrupt(keyPath, 'its private and public halves do not match');
  }
  return key;
}

function corrupt(keyPath: string, why: string, cause?: unknown): IdentityError {
  return new IdentityError(
    'identity_corrupt',
    `the identity file ${keyPath} is corrupt: ${why}`,
    keyPath,
    {
      cause,
    },
  );
}

/**
 * Writes the key to a temporary file in the same directory, syncs it, then links it into
 * place, so a crash never leaves a half-written key. A hard link, unlike a rename, never
 * replaces an existing file: returns false when another process created the key first.
 */
async function writeKeyOnce(keyPath: string, bytes: Uint8Array): Promise<boolean> {
  const dir = join(keyPath, '..');
  const tmpPath = join(
    dir,
    `.${IDENTITY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const file = await open(tmpPath, 'wx', KEY_FILE_MODE);
    try {
      await file.chmod(KEY_FILE_MODE);
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    const linked = await publish(tmpPath, keyPath);
    await syncDir(dir);
    return linked;
  } catch (err) {
    throw new IdentityError(
      'data_dir_unwritable',
      `cannot write the identity file ${keyPath}: ${describe(err)}`,
      keyPath,
      { cause: err },
    );
  } finally {
    await unlink(tmpPath).catch(() => {});
  }
}

async function publish(tmpPath: string, keyPath: string): Promise<boolean> {
  try {
    await link(tmpPath, keyPath);
    return true;
  } catch (err) {
    const code = errno(err);
    if (code === 'EEXIST') return false;
    // Some filesystems (FAT, some network mounts) have no hard links: fall back to rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') {
      throw err;
    }
    await rename(tmpPath, keyPath);
    return true;
  }
}

/** Makes the new directory entry durable; not possible (nor needed) on every platform. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

function errno(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
