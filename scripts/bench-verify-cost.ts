/**
 * Benchmark (issue 6): the verifiers' compute-seconds per accepted entry as a fraction of the
 * workers' compute-seconds spent finding it. Goal: at most 2%.
 *
 * One process, no network, tiny-lm (node/testing/tiny-lm.ts: the target and its genesis
 * entry in a store). A `Worker` searches with `evolve` through the real runner under
 * bubblewrap; its announcer hands each commitment and candidate to the verifier's path in
 * this process, as gossip would: stored with the local receipt time, prechecked
 * (`Prechecks.check`, which finds the credit), re-run with `verify()`, the attestation
 * stored, and when accepted the entry assembled (quorum 1) and added, so the head moves and
 * the worker follows it, as in a swarm. Verifications run one at a time, in announcement
 * order (a verifier's queue).
 *
 * Compute-seconds are wall time inside `Runner.run`. Worker and verifier share one runner
 * and never run at once (a lock around both), so neither's figure includes the other's
 * load on this machine's two cores. Each worker run counts toward the entry accepted next
 * after it began (runs on a head that moved meanwhile included: they were spent finding the
 * next entry); each verification, rejected ones included, toward the entry accepted when it
 * ended or next after it.
 *
 *   node --import tsx scripts/bench-verify-cost.ts [--duration 240] [--seed 1] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CANDIDATE,
  COMMITMENT,
  decodeSigned,
  type Hash,
  hashHex,
  publicKeyOf,
} from '@nightshift/protocol';
import { Runner } from '@nightshift/runner';
import { createSearcher, seededRandom } from '@nightshift/searchers';
import { Store } from '@nightshift/store';
import { assembleEntry, Prechecks, ReputationPolicy, verify } from '@nightshift/verifier';
import type { Announcer } from '../node/src/worker/announce.ts';
import { Worker } from '../node/src/worker/worker.ts';
import { seedTinyLm } from '../node/testing/tiny-lm.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '240' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});

/** What was spent between two accepted entries, and the entry that ended it. */
interface Epoch {
  workerRuns: number;
  workerMs: number;
  verifications: number;
  rejected: number;
  verifierMs: number;
  /** The verifier's own work around its runs: prechecks, signing, assembling, storing. */
  verifierOtherMs: number;
  entry?: { height: number; metric: number; atS: number };
}

const newEpoch = (): Epoch => ({
  workerRuns: 0,
  workerMs: 0,
  verifications: 0,
  rejected: 0,
  verifierMs: 0,
  verifierOtherMs: 0,
});

async function main(): Promise<void> {
  const durationMs = Number(args.duration) * 1000;
  const scratch = await mkdtemp(join(tmpdir(), 'nightshift-bench-verify-cost-'));
  const store = await Store.open(join(scratch, 'node'));
  const stopping = new AbortController();
  try {
    const { fixture, baseline } = await seedTinyLm(store);
    const { target, targetId } = fixture;
    const runner = new Runner({}, { source: store });
    const epochs: Epoch[] = [newEpoch()];
    const current = () => epochs.at(-1)!;
    const started = performance.now();
    const log = (line: string) => {
      if (!args.json)
        console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);
    };

    // One run at a time, whoever asks: the figures are compute, not contention.
    let tail: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const run = tail.then(work);
      tail = run.catch(() => undefined);
      return run;
    };
    const workerRunner: Pick<Runner, 'run'> = {
      run: (request) =>
        exclusive(async () => {
          const epoch = current();
          const began = performance.now();
          try {
            return await runner.run(request);
          } finally {
            epoch.workerRuns += 1;
            epoch.workerMs += performance.now() - began;
          }
        }),
    };
    let verifierMsNow = 0;
    const verifierRunner: Pick<Runner, 'run'> = {
      async run(request) {
        const began = performance.now();
        try {
          return await runner.run(request);
        } finally {
          verifierMsNow += performance.now() - began;
        }
      },
    };

    const verifierKey = fixture.verifiers[0]!;
    const prechecks = new Prechecks(
      // A burst far above the default 5: the first entries come minutes apart, and the rate
      // limit is policy against floods, not what this measures (see BENCHMARKS.md).
      { rateLimit: { burst: 1_000 } },
      {
        store,
        key: publicKeyOf(verifierKey),
        reputation: new ReputationPolicy(),
        now: Date.now,
      },
    );
    const reasons = new Map<string, number>();
    const count = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1);

    /** The verifier's whole path for one revealed candidate, holding the runner throughout. */
    const verifyCandidate = (id: Hash, receivedAt: number) =>
      exclusive(async () => {
        const began = performance.now();
        verifierMsNow = 0;
        const stored = (await store.candidates.get(id))!;
        const { candidate } = stored;
        const passed = await prechecks.check({ id, candidate, receivedAt });
        if (!passed.ok) {
          count(passed.code);
          log(`candidate ${hashHex(id).slice(0, 8)} not run: ${passed.code}`);
          current().verifierOtherMs += performance.now() - began;
          return;
        }
        const parent = (await store.entries.get(candidate.parent))!;
        await store.candidates.setStatus(id, 'verifying', { reason: '', now: Date.now() });
        const attestation = await verify(
          {
            target,
            candidate,
            candidateId: id,
            creditId: passed.credit.commitmentId,
            parentMetric: parent.metric,
          },
          { runner: verifierRunner, key: verifierKey, now: Date.now, signal: stopping.signal },
        );
        await store.attestations.put(attestation);
        const accepted = attestation.verdict === 'accept';
        await store.candidates.setStatus(id, accepted ? 'accepted' : 'rejected', {
          reason: attestation.reason,
          now: Date.now(),
        });
        count(attestation.reason);
        const epoch = current();
        epoch.verifications += 1;
        epoch.verifierMs += verifierMsNow;
        if (!accepted) epoch.rejected += 1;
        if (accepted) {
          const entry = await assembleEntry(
            store,
            target,
            { value: candidate, id },
            passed.credit,
            { hash: candidate.parent, height: parent.height },
          );
          const added = entry && (await store.entries.addValidated(entry, { now: Date.now() }));
          if (!entry || !added?.ok) throw new Error(`entry refused: ${JSON.stringify(added)}`);
          epoch.entry = {
            height: entry.height,
            metric: entry.metric,
            atS: (performance.now() - started) / 1000,
          };
          epochs.push(newEpoch());
          log(
            `entry ${entry.height}: ${entry.metric} after ${epoch.workerRuns} worker runs ` +
              `(${(epoch.workerMs / 1000).toFixed(1)} s), verifier ${(epoch.verifierMs / 1000).toFixed(1)} s`,
          );
        } else {
          log(`candidate ${hashHex(id).slice(0, 8)} rejected: ${attestation.reason}`);
        }
        epoch.verifierOtherMs += performance.now() - began - verifierMsNow;
      });

    let verifications: Promise<unknown> = Promise.resolve();
    const announcer: Announcer = {
      async publishCommitment(bytes) {
        await store.commitments.put(decodeSigned(COMMITMENT, bytes).value, Date.now());
      },
      async publishCandidate(bytes) {
        const receivedAt = Date.now();
        const { id } = await store.candidates.put(decodeSigned(CANDIDATE, bytes).value, receivedAt);
        // Gossip returns at once; the verifier works through its queue meanwhile.
        verifications = verifications.then(() => verifyCandidate(id, receivedAt));
      },
    };

    const worker = new Worker(
      target,
      targetId,
      { durationMs, announceMargin: 0, gpus: [''] },
      {
        store,
        runner: workerRunner,
        searcher: createSearcher('evolve'),
        key: fixture.workers[0]!,
        announcer,
        workspace: join(scratch, 'workspace'),
        signal: stopping.signal,
        random: seededRandom(Number(args.seed)),
      },
    );
    log(`tiny-lm baseline ${baseline}; searching for ${args.duration} s`);
    const reason = await worker.run();
    await verifications;
    const elapsedS = (performance.now() - started) / 1000;

    const entries = epochs.filter((e) => e.entry);
    const sum = (list: Epoch[], key: 'workerMs' | 'verifierMs' | 'workerRuns' | 'verifications') =>
      list.reduce((n, e) => n + e[key], 0);
    const share = (e: { workerMs: number; verifierMs: number }) =>
      e.workerMs > 0 ? e.verifierMs / e.workerMs : Number.NaN;
    const rows = entries.map((e) => ({
      height: e.entry!.height,
      atS: Math.round(e.entry!.atS),
      metric: e.entry!.metric,
      workerRuns: e.workerRuns,
      workerS: Number((e.workerMs / 1000).toFixed(1)),
      verifications: e.verifications,
      rejected: e.rejected,
      verifierS: Number((e.verifierMs / 1000).toFixed(1)),
      share: Number(share(e).toFixed(4)),
    }));
    const half = Math.floor(entries.length / 2);
    const total = {
      workerMs: sum(entries, 'workerMs'),
      verifierMs: sum(entries, 'verifierMs'),
    };
    const result = {
      durationS: Number(args.duration),
      elapsedS: Math.round(elapsedS),
      stopped: reason,
      baseline,
      head: entries.at(-1)?.entry?.metric ?? baseline,
      entries: entries.length,
      workerRuns: sum(epochs, 'workerRuns'),
      verifications: sum(epochs, 'verifications'),
      reasons: Object.fromEntries(reasons),
      msPerWorkerRun: Math.round(sum(epochs, 'workerMs') / sum(epochs, 'workerRuns')),
      msPerVerification: Math.round(
        sum(epochs, 'verifierMs') / Math.max(1, sum(epochs, 'verifications')),
      ),
      verifierOtherMsPerVerification: Math.round(
        epochs.reduce((n, e) => n + e.verifierOtherMs, 0) /
          Math.max(1, sum(epochs, 'verifications')),
      ),
      share: Number(share(total).toFixed(4)),
      shareFirstHalf: Number(
        share({
          workerMs: sum(entries.slice(0, half), 'workerMs'),
          verifierMs: sum(entries.slice(0, half), 'verifierMs'),
        }).toFixed(4),
      ),
      shareSecondHalf: Number(
        share({
          workerMs: sum(entries.slice(half), 'workerMs'),
          verifierMs: sum(entries.slice(half), 'verifierMs'),
        }).toFixed(4),
      ),
      // Search since the last entry, which has found nothing yet: its cost is still open.
      openSearch: {
        workerRuns: current().workerRuns,
        workerS: Number((current().workerMs / 1000).toFixed(1)),
        verifierS: Number((current().verifierMs / 1000).toFixed(1)),
      },
      perEntry: rows,
      goal: 0.02,
    };
    if (!args.json) {
      console.log(
        `tiny-lm, ${result.durationS} s of search (${result.elapsedS} s in all): ` +
          `${result.entries} entries, ${result.baseline} -> ${result.head} bpc; ` +
          `${result.workerRuns} worker runs of ${result.msPerWorkerRun} ms, ` +
          `${result.verifications} verifications of ${result.msPerVerification} ms ` +
          `(+${result.verifierOtherMsPerVerification} ms around each)`,
      );
      console.log(
        '  entry   at s   bpc      worker runs  worker s  verifications  verifier s  share',
      );
      for (const r of rows) {
        console.log(
          `  ${String(r.height).padStart(5)} ${String(r.atS).padStart(6)}   ${r.metric.toFixed(4)}` +
            `  ${String(r.workerRuns).padStart(11)} ${r.workerS.toFixed(1).padStart(9)}` +
            `  ${`${r.verifications}${r.rejected ? ` (${r.rejected} rej.)` : ''}`.padStart(13)}` +
            ` ${r.verifierS.toFixed(1).padStart(11)}  ${(100 * r.share).toFixed(1).padStart(5)}%`,
        );
      }
      console.log(
        `  open search since the last entry: ${result.openSearch.workerRuns} runs, ` +
          `${result.openSearch.workerS} s, nothing found yet`,
      );
      console.log(
        `verifier / worker compute per accepted entry: ${(100 * result.share).toFixed(2)}% overall ` +
          `(first half of the entries ${(100 * result.shareFirstHalf).toFixed(1)}%, ` +
          `second half ${(100 * result.shareSecondHalf).toFixed(1)}%); goal <= 2%`,
      );
      console.log(`reasons: ${JSON.stringify(result.reasons)}`);
    }
    console.log(JSON.stringify(result));
  } finally {
    stopping.abort();
    await store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
