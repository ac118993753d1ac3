import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import {
  IDENTITY_FILE,
  IdentityError,
  type IdentityErrorCode,
  loadIdentity,
  loadOrCreateIdentity,
} from './identity.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-identity-'));
after(() => rm(scratch, { recursive: true, force: true }));
let dirs = 0;
function freshDir(): string {
  dirs += 1;
  return join(scratch, `dir-${dirs}`, 'data');
}

async function rejectsWith(promise: Promise<unknown>, code: IdentityErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof IdentityError, `not an IdentityError: ${err}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** A data dir holding `bytes` as its key file, with owner-only permissions. */
async function dirWithKeyFile(bytes: Uint8Array | string): Promise<string> {
  const dataDir = freshDir();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, IDENTITY_FILE), bytes, { mode: 0o600 });
  return dataDir;
}

describe('loadOrCreateIdentity', () => {
  it('creates the data dir (0700) and an Ed25519 key file (0600) from which the peer id derives', async () => {
    const dataDir = freshDir();
    const identity = await loadOrCreateIdentity(dataDir);
    assert.equal(identity.created, true);
    assert.equal(identity.privateKey.type, 'Ed25519');
    assert.equal(identity.keyPath, join(dataDir, IDENTITY_FILE));
    assert.match(identity.peerId.toString(), /^12D3KooW/);
    assert.ok(identity.peerId.publicKey?.equals(identity.privateKey.publicKey));
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
    assert.equal((await stat(identity.keyPath)).mode & 0o777, 0o600);
  });

  it('returns the existing key on later calls instead of making a new one', async () => {
    const dataDir = freshDir();
    const first = await loadOrCreateIdentity(dataDir);
    const bytes = await readFile(first.keyPath);
    const second = await loadOrCreateIdentity(dataDir);
    assert.equal(second.created, false);
    assert.ok(second.peerId.equals(first.peerId));
    assert.deepEqual(await readFile(first.keyPath), bytes);
  });

  it('gives every racing caller the same key, and only one of them says it created it', async () => {
    const dataDir = freshDir();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateIdentity(dataDir)),
    );
    const peerIds = new Set(results.map((identity) => identity.peerId.toString()));
    assert.equal(peerIds.size, 1);
    assert.equal(results.filter((identity) => identity.created).length, 1);
  });

  it('leaves nothing but the key file in the data dir', async () => {
    const dataDir = freshDir();
    await Promise.all([loadOrCreateIdentity(dataDir), loadOrCreateIdentity(dataDir)]);
    assert.deepEqual(await readdir(dataDir), [IDENTITY_FILE]);
  });

  it('fails with data_dir_unwritable when the data dir cannot be created', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a directory');
    await rejectsWith(loadOrCreateIdentity(join(file, 'data')), 'data_dir_unwritable');
  });

  it('refuses a corrupt key file instead of replacing it', async () => {
    const dataDir = await dirWithKeyFile('garbage');
    await rejectsWith(loadOrCreateIdentity(dataDir), 'identity_corrupt');
    assert.equal(await readFile(join(dataDir, IDENTITY_FILE), 'utf8'), 'garbage');
  });
});

describe('loadIdentity', () => {
  it('loads the key that loadOrCreateIdentity stored', async () => {
    const dataDir = freshDir();
    const created = await loadOrCreateIdentity(dataDir);
    const loaded = await loadIdentity(dataDir);
    assert.ok(loaded.peerId.equals(created.peerId));
    assert.ok(loaded.privateKey.equals(created.privateKey));
  });

  it('fails with identity_missing, and creates nothing, when there is no key', async () => {
    const dataDir = freshDir();
    await rejectsWith(loadIdentity(dataDir), 'identity_missing');
    await assert.rejects(stat(dataDir), { code: 'ENOENT' });
  });

  it('fails with identity_corrupt on an empty, garbled or truncated key file', async () => {
    const key = privateKeyToProtobuf(await generateKeyPair('Ed25519'));
    for (const bytes of [
      new Uint8Array(0),
      'not a protobuf key',
      key.subarray(0, key.length - 10),
    ]) {
      await rejectsWith(loadIdentity(await dirWithKeyFile(bytes)), 'identity_corrupt');
    }
  });

  it('fails with identity_corrupt when the public half of the key was altered', async () => {
    const key = privateKeyToProtobuf(await generateKeyPair('Ed25519'));
    key[key.length - 1]! ^= 0x01;
    await rejectsWith(loadIdentity(await dirWithKeyFile(key)), 'identity_corrupt');
  });

  it('fails with identity_corrupt on a key that is not Ed25519', async () => {
    const key = privateKeyToProtobuf(await generateKeyPair('secp256k1'));
    await rejectsWith(loadIdentity(await dirWithKeyFile(key)), 'identity_corrupt');
  });

  it('fails with identity_corrupt when the key path is a directory', async () => {
    const dataDir = freshDir();
    await mkdir(join(dataDir, IDENTITY_FILE), { recursive: true });
    await rejectsWith(loadIdentity(dataDir), 'identity_corrupt');
  });

  it('refuses a key file that group or others can access, naming the fix', {
    skip: process.platform === 'win32',
  }, async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      const dataDir = freshDir();
      const { keyPath } = await loadOrCreateIdentity(dataDir);
      await chmod(keyPath, mode);
      await assert.rejects(loadIdentity(dataDir), (err: unknown) => {
        assert.ok(err instanceof IdentityError);
        assert.equal(err.code, 'identity_insecure', `mode ${mode.toString(8)}`);
        assert.match(err.message, /chmod 600/);
        return true;
      });
    }
  });
});
