// The verifier service on one store, its runner scripted (the runner has tests of its own):
// candidates that came before their commitment, how many verifications run at once and on
// which GPUs, and a stop that leaves nothing running against the store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Hash, hashHex } from '@nightshift/protocol';
import type { RunRequest, RunResult } from '@nightshift/runner';
import type { Store } from '@nightshift/store';
import { type Scenario, scenario } from '../testing/index.ts';
import { type VerifierEvent, VerifierService, type VerifierServiceOptions } from './service.ts';

/** A runner whose runs end when the test says so (or the service stops); each measures `metric(tree)`. */
class ScriptedRunner {
  readonly started: RunRequest[] = [];
  running = 0;
  mostAtOnce = 0;
  private readonly pending: (() => void)[] = [];

  constructor(private readonly metric: (tree: Hash) => number) {}

  async run(request: RunRequest): Promise<RunResult> {
    // As the real runner: a run asked for after the stop began does not start.
    request.signal?.throwIfAborted();
    this.started.push(request);
    this.running += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    // A stop cuts a run short, as the real runner's signal does.
    await new Promise<void>((resolve, reject) => {
      this.pending.push(resolve);
      request.signal?.addEventListener('abort', () => reject(request.signal?.reason), {
        once: true,
      });
    }).finally(() => {
      this.running -= 1;
    });
    const tree = request.tree as Hash;
    return {
      outcome: { kind: 'ok', metric: this.metric(tree) },
      extra: [],
      logs: [],
      warnings: [],
      receipt: {
        runner: 'nightshift-runner/test',
        sandbox: 'bubblewrap',
        enforcement: { memory: 'cgroup', tasks: 'cgroup', outputFiles: 'tmpfs' },
        sandboxUser: true,
        tree,
        harness: tree,
        data: tree,
        seed: 1,
        seedHash: request.seed as Hash,
        commands: { run: ['true'], score: ['true'] },
        gpus: request.gpus ?? '',
        environment: 'test',
        phases: [],
        startedAt: 0,
        durationMs: 1,
      },
    } as RunResult;
  }

  /** Ends every run started so far. */
  finishAll(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

/** The store, with every call made once `stopped()` holds written down in `late`. */
function watched(store: Store, stopped: () => boolean, late: string[]): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const part = Reflect.get(target, name, receiver);
      if (typeof part !== 'object' || part === null) return part;
      return new Proxy(part, {
        get(object, method) {
          const value = Reflect.get(object, method);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (stopped()) late.push(`${String(name)}.${String(method)}`);
            return value.apply(object, args);
          };
        },
      });
    },
  });
}

async function serviceFor(
  s: Scenario,
  options: VerifierServiceOptions = {},
  wrap: (store: Store) => Store = (store) => store,
) {
  // Every run measures 0: a verdict is not what these tests look at.
  const runner = new ScriptedRunner(() => 0);
  const events: VerifierEvent[] = [];
  const service = new VerifierService(options, {
    store: wrap(s.store),
    runner,
    key: s.verifier,
    now: s.now,
    network: {
      publishAttestation: async () => undefined,
      publishEntry: async () => undefined,
      fetchTree: async () => false,
    },
    onEvent: (e) => events.push(e),
  });
  await service.start();
  return { service, runner, events };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), `never: ${what}`);
}

const ofCandidate = (events: VerifierEvent[], id: Hash) =>
  events.filter((e) => 'candidate' in e && e.candidate === hashHex(id)).map((e) => e.event);

describe('verifier service', () => {
  it('looks again at a candidate checked before its commitment was stored, when the commitment arrives', async () => {
    const s = await scenario({ verifierCount: 1, quorum: 1 });
    const { service, events } = await serviceFor(s);
    // The commitment was received before the candidate (its validation still under way
    // when the candidate was checked), so the reveal delay holds once it is stored.
    const claim = await s.claim({ storeCommitment: false });
    await service.candidate(claim.stored);
    assert.deepEqual(ofCandidate(events, claim.stored.id), ['waiting']);
    await s.store.commitments.put(claim.commitment, s.now() - s.fixture.target.revealDelayMs);
    await service.commitment(claim.commitment);
    await until('queued', () => ofCandidate(events, claim.stored.id).includes('queued'));
    await service.stop();
    await s.store.close();
  });

  it('settles a candidate whose commitment never came as no_commitment once its grace is over, without a timer of its own', async () => {
    const s = await scenario({ verifierCount: 1, quorum: 1 });
    const { service, events } = await serviceFor(s, { awaiting: { graceMs: 5_000 } });
    const claim = await s.claim({ storeCommitment: false });
    await service.candidate(claim.stored);
    assert.equal((await s.store.candidates.status(claim.stored.id))?.status, 'pending');
    s.clock.now += 5_000;
    // The sweep looks once a second at whoever waits.
    await until('no_commitment', () => ofCandidate(events, claim.stored.id).includes('dropped'));
    const stored = await s.store.candidates.status(claim.stored.id);
    assert.deepEqual([stored?.status, stored?.reason], ['rejected', 'no_commitment']);
    await service.stop();
    await s.store.close();
  });

  it('lets the earliest received leave first when too many wait for commitments', async () => {
    const s = await scenario({ verifierCount: 1, quorum: 1 });
    const { service } = await serviceFor(s, { awaiting: { capacity: 2 } });
    const claims = [];
    for (let n = 0; n < 3; n += 1) claims.push(await s.claim({ storeCommitment: false }));
    for (const claim of claims) await service.candidate(claim.stored);
    const statuses = await Promise.all(
      claims.map(async (c) => (await s.store.candidates.status(c.stored.id))?.reason),
    );
    assert.deepEqual(statuses, ['no_commitment', '', '']);
    await service.stop();
    await s.store.close();
  });

  it('runs one verification at a time by default', async () => {
    const s = await scenario({ verifierCount: 1, quorum: 1 });
    const { service, runner } = await serviceFor(s);
    for (let n = 0; n < 3; n += 1) await service.candidate((await s.claim()).stored);
    await until('a run', () => runner.started.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(runner.running, 1);
    runner.finishAll();
    await until('the second run', () => runner.started.length === 2);
    runner.finishAll();
    await until('the third run', () => runner.started.length === 3);
    runner.finishAll();
    assert.equal(runner.mostAtOnce, 1);
    await service.stop();
    await s.store.close();
  });

  it('runs one verification per GPU slot at once, each on its own GPU', async () => {
    const s = await scenario({ verifierCount: 1, quorum: 1 });
    const { service, runner } = await serviceFor(s, { gpus: ['0', '1', '1'] });
    for (let n = 0; n < 4; n += 1) await service.candidate((await s.claim()).stored);
    await until('three runs', () => runner.started.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(runner.running, 3);
    assert.deepEqual(runner.started.map((r) => r.gpus).sort(), ['0', '1', '1']);
    runner.finishAll();
    await until('the fourth run', () => runner.started.length === 4);
    runner.finishAll();
    assert.equal(runner.mostAtOnce, 3);
    await service.stop();
    await s.store.close();
  });

  it('stops only once the work arrivals started is over, so nothing touches the store after', async () => {
    const s = await scenario({ verifierCount: 1, quorum: 1 });
    let stopped = false;
    const late: string[] = [];
    const { service, runner } = await serviceFor(s, {}, (store) =>
      watched(store, () => stopped, late),
    );
    const after = await s.claim();
    const arrivals = [];
    for (let n = 0; n < 20; n += 1) {
      const claim = await s.claim({ storeCommitment: n % 2 === 0, storeTree: n % 3 !== 0 });
      arrivals.push(service.candidate(claim.stored));
    }
    await until('a run', () => runner.started.length === 1);
    // A run in progress is cut short by the stop (the real runner obeys the signal).
    await service.stop();
    stopped = true;
    await Promise.all(arrivals);
    // An arrival after the stop is not looked at.
    await service.candidate(after.stored);
    assert.deepEqual(late, []);
    await s.store.close();
  });
});
