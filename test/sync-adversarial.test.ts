// A node under attack over request/response: malformed, truncated and oversized frames, a
// forged entry in a range response, and a flood of requests. The victim stores nothing
// invalid, keeps running, and keeps serving honest peers; the attacker is penalised.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PeerId } from '@libp2p/interface';
import { auditTarget } from '@nightshift/audit';
import {
  decodeRangeRequest,
  encodeEntry,
  encodeRangeRequest,
  encodeStatus,
  entryHash,
  hashHex,
  type LogEntry,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { FrameReader, FrameWriter, PROTOCOLS, RESULT } from '../node/src/p2p/reqresp/index.ts';
import {
  connect,
  extendChain,
  headOf,
  startNode,
  storeEntries,
  storeTarget,
  type TestNode,
  waitFor,
} from './sync-harness.ts';

let nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
});

async function chainOf(length: number) {
  const fixture = await makeFixture({ name: 'attacked' });
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis();
  const rest = (await extendChain(chain, genesis, length - 1)).map((e) => e.entry);
  return { fixture, chain, entries: [genesis, ...rest] };
}

/** Opens a stream, sends `bytes` as they are (no framing added), and reads the reply. */
async function rawRequest(from: TestNode, to: PeerId, protocol: string, bytes: Uint8Array) {
  let reader: FrameReader | undefined;
  try {
    const stream = await from.host.dialProtocol(to, protocol);
    reader = new FrameReader(stream, { maxFrameBytes: 1 << 20 });
    stream.send(bytes);
    await stream.close();
    const frame = await reader.read({ timeoutMs: 5000 });
    return { result: frame?.[0] };
  } catch (err) {
    return { error: (err as { code?: string }).code ?? (err as Error).name };
  } finally {
    reader?.detach();
  }
}

/** A host that answers the handshake with `head` and range requests from `served`. */
async function lyingPeer(liar: TestNode, served: LogEntry[]) {
  await liar.sync.stop();
  const head = served.at(-1)!;
  const status = encodeStatus({
    heads: [
      { target: head.target, head: entryHash(head), height: head.height, metric: head.metric },
    ],
  });
  const answer = async (
    stream: Parameters<Parameters<TestNode['host']['handle']>[1]>[0],
    reply: (request: Uint8Array) => Uint8Array[],
  ) => {
    const reader = new FrameReader(stream, { maxFrameBytes: 1 << 20 });
    const request = await reader.read();
    reader.detach();
    const writer = new FrameWriter(stream, { drainTimeoutMs: 5000 });
    for (const payload of reply(request!)) await writer.write(Uint8Array.of(RESULT.ok), payload);
    await writer.flush();
    await stream.close();
  };
  await liar.host.handle(PROTOCOLS.status.id, (stream) => answer(stream, () => [status]));
  await liar.host.handle(PROTOCOLS.entries.id, (stream) =>
    answer(stream, (request) => {
      const { from, count } = decodeRangeRequest(request);
      return served.slice(from, from + count).map(encodeEntry);
    }),
  );
}

describe('malformed frames', () => {
  it('are answered with invalid_request on that stream only; the sender ends up banned, honest peers are still served', async () => {
    nodes = await Promise.all([startNode(), startNode(), startNode()]);
    const [victim, attacker, honest] = nodes as [TestNode, TestNode, TestNode];
    const { fixture, chain, entries } = await chainOf(5);
    await storeTarget(victim.store, fixture);
    await storeEntries(victim.store, chain, entries);
    const banned: string[] = [];
    victim.sync.reqResp.on('peer:banned', (event) => banned.push(event.peer));
    await connect(attacker, victim);
    const peer = victim.host.peerId;
    const request = encodeRangeRequest({ target: fixture.targetId, from: 0, count: 5 });

    // A length prefix far over the bound (the request frame may be 64 bytes).
    const oversized = Uint8Array.of(0x80, 0x80, 0x80, 0x40, 1, 2, 3);
    assert.deepEqual(await rawRequest(attacker, peer, PROTOCOLS.entries.id, oversized), {
      result: RESULT.invalid_request,
    });
    // A frame that promises 50 bytes and stops after 3.
    const truncated = Uint8Array.of(50, 8, 1, 1);
    assert.deepEqual(await rawRequest(attacker, peer, PROTOCOLS.entries.id, truncated), {
      result: RESULT.invalid_request,
    });
    // A well-framed request of garbage.
    const garbage = Uint8Array.of(4, 0xde, 0xad, 0xbe, 0xef);
    assert.deepEqual(await rawRequest(attacker, peer, PROTOCOLS.fetch.id, garbage), {
      result: RESULT.invalid_request,
    });
    assert.ok(!victim.sync.reqResp.isBanned(attacker.host.peerId), 'not banned yet');
    // A prefix that never ends (ten continuation bytes): the ban comes with it.
    const endless = new Uint8Array(10).fill(0xff);
    const last = await rawRequest(attacker, peer, PROTOCOLS.status.id, endless);
    assert.deepEqual(last, { result: RESULT.invalid_request });
    assert.deepEqual(banned, [attacker.host.peerId.toString()]);

    // Once banned, a well-formed request is refused too.
    await connect(attacker, victim);
    const framed = Uint8Array.of(request.length, ...request);
    const refused = await rawRequest(attacker, peer, PROTOCOLS.entries.id, framed);
    assert.notEqual(refused.result, RESULT.ok);

    // The victim still serves an honest peer its whole log.
    await connect(honest, victim);
    await honest.sync.syncWith(peer);
    await honest.sync.idle();
    assert.equal(await headOf(honest.store, fixture.targetId), hashHex(entryHash(entries[4]!)));
  });
});

describe('a forged entry in a range response', () => {
  type Forge = (entries: LogEntry[], chain: ChainBuilder) => Promise<LogEntry[]>;
  const forgeries: [string, string, Forge][] = [
    [
      'an attestation signature with one bit flipped',
      'invalid_entry',
      async (entries) => {
        const forged = structuredClone(entries[3]!);
        const attestation = forged.attestations[0]!;
        attestation.signature = Uint8Array.from(attestation.signature);
        attestation.signature[0]! ^= 1;
        return [...entries.slice(0, 3), forged];
      },
    ],
    [
      'a better metric than its attestations measured',
      'invalid_entry',
      async (entries) => [
        ...entries.slice(0, 3),
        { ...entries[3]!, metric: entries[3]!.metric - 1 },
      ],
    ],
    [
      'an entry that does not extend the one before it',
      'range_broken_link',
      async (entries, chain) => {
        // A valid sibling of entry 3, followed by entry 4, which names the real entry 3.
        const sibling = await chain.extend(entries[2]!, entryHash(entries[2]!));
        return [...entries.slice(0, 3), sibling, ...entries.slice(4)];
      },
    ],
  ];

  for (const [name, code, forge] of forgeries) {
    it(`(${name}) stores nothing invalid, bans the liar and still syncs from an honest peer`, async () => {
      nodes = await Promise.all([startNode(), startNode(), startNode()]);
      const [victim, liar, honest] = nodes as [TestNode, TestNode, TestNode];
      const { fixture, chain, entries } = await chainOf(8);
      for (const node of [victim, honest]) await storeTarget(node.store, fixture);
      await storeEntries(victim.store, chain, entries.slice(0, 1));
      await storeEntries(honest.store, chain, entries);
      await lyingPeer(liar, await forge(entries, chain));
      const penalties: string[] = [];
      const failures: string[] = [];
      victim.sync.on('penalty', (p) => penalties.push(p.code));
      victim.sync.on('synced', (report) => {
        for (const t of report.targets) if (t.error) failures.push(t.error.code);
      });

      await connect(victim, liar);
      await waitFor('the liar to be banned', () => victim.sync.reqResp.isBanned(liar.host.peerId));
      await victim.sync.idle();
      assert.deepEqual(failures, [code]);
      assert.deepEqual(penalties, [code]);
      const audit = await auditTarget(victim.store, fixture.targetId);
      assert.equal(audit.ok, true, JSON.stringify(audit.failures));
      assert.ok(audit.entriesChecked <= 3, `${audit.entriesChecked} entries stored`);

      await connect(victim, honest);
      await waitFor('the honest head', async () => {
        return (await headOf(victim.store, fixture.targetId)) === hashHex(entryHash(entries[7]!));
      });
      assert.equal((await auditTarget(victim.store, fixture.targetId)).ok, true);
    });
  }
});

describe('a flood of requests', () => {
  it('is refused past the rate limit while an honest peer is served in full', async (t) => {
    const limits = {
      reqResp: {
        rateLimits: {
          status: { burst: 10, perSecond: 2 },
          entries: { burst: 20, perSecond: 10 },
          fetch: { burst: 100, perSecond: 50 },
        },
      },
    };
    nodes = await Promise.all([startNode({ sync: limits }), startNode(), startNode()]);
    const [victim, flooder, honest] = nodes as [TestNode, TestNode, TestNode];
    const { fixture, chain, entries } = await chainOf(3);
    await storeTarget(victim.store, fixture);
    await storeEntries(victim.store, chain, entries);
    await connect(flooder, victim);
    await connect(honest, victim);
    await Promise.all([flooder.sync.idle(), honest.sync.idle()]);
    const peer = victim.host.peerId;

    const outcomes = new Map<string, number>();

    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    const flood = (async () => {
      for (let wave = 0; wave < 15; wave++) {
        await Promise.all(
          Array.from({ length: 20 }, () =>
            flooder.sync.reqResp.status(peer).then(
              () => count('ok'),
              (err) => count(err.code),
            ),
          ),
        );
      }
    })();
    const honestResults: string[] = [];
    // The honest peer's own handshakes (on connect, and again when its head moved) already
    // spent two or three of its ten status requests: ask five more, well inside the burst.
    for (let i = 0; i < 5; i++) {
      const status = await honest.sync.reqResp.status(peer);
      honestResults.push(hashHex(status.heads[0]!.head));
      let received = 0;
      for await (const _ of honest.sync.reqResp.entries(peer, {
        target: fixture.targetId,
        from: 0,
        count: 3,
      })) {
        received += 1;
      }
      assert.equal(received, 3);
    }
    await flood;
    t.diagnostic(`flood outcomes: ${JSON.stringify([...outcomes])}`);

    // A burst of ten answered, then refusals (`rate_limited`) until the refusals add up to a
    // ban, after which its streams are reset and its dials refused.
    const total = [...outcomes.values()].reduce((n, v) => n + v, 0);
    assert.equal(total, 300);
    assert.ok((outcomes.get('ok') ?? 0) <= 15, JSON.stringify([...outcomes]));
    assert.ok((outcomes.get('rate_limited') ?? 0) >= 50, JSON.stringify([...outcomes]));
    assert.ok(victim.sync.reqResp.isBanned(flooder.host.peerId));
    assert.deepEqual(new Set(honestResults), new Set([hashHex(entryHash(entries[2]!))]));
    assert.ok(!victim.sync.reqResp.isBanned(honest.host.peerId));
  });
});
