/**
 * Crash safety: a writer process is SIGKILLed at random moments while it stores entries (with
 * branches, so reorgs rewrite the canonical chain) and everything a node stores beside them.
 * After every kill the store must reopen, pass the full audit, and hold exactly a prefix of
 * what the writer was writing, never fewer entries than after the previous kill.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { hashHex } from '@nightshift/protocol';
import { Store } from '@nightshift/store';
import { freshDataDir } from '@nightshift/store/testing';
import { auditAll } from '../src/audit-all.ts';
import { formatStoreAudit } from '../src/report.ts';
import { buildWorkload, writeWorkload } from './crash-workload.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const KILLS = 20;
const ENTRIES_PER_TARGET = 1500;

/** Starts the writer; resolves once it says it is writing, with the index it resumed at. */
async function startWriter(dataDir: string, workFile: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, workFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const resumedAt = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /^writing (\d+)$/m.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`writer exited (${code}) early: ${stderr}`)));
  });
  return { child, resumedAt, output: () => ({ stdout, stderr }) };
}

async function kill(child: ChildProcess): Promise<'killed' | 'finished'> {
  if (child.exitCode !== null) return 'finished';
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  return signal === 'SIGKILL' ? 'killed' : code === 0 ? 'finished' : 'killed';
}

describe('crash safety', () => {
  it('reopens with a log that passes the audit after every SIGKILL, and never loses an entry', async (t) => {
    const work = await buildWorkload(ENTRIES_PER_TARGET);
    const dataDir = await freshDataDir('crash');
    const workFile = `${dataDir}.workload`;
    await writeWorkload(workFile, work);
    const position = new Map(work.entries.map((e, i) => [hashHex(e.hash), i]));

    let stored = 0;
    let kills = 0;
    const rounds: string[] = [];
    for (let round = 0; round < KILLS; round++) {
      const writer = await startWriter(dataDir, workFile);
      // The writer skips what it finds stored: exactly what the audit counted last time.
      assert.equal(writer.resumedAt, stored, `writer resumed at ${writer.resumedAt} (${rounds})`);
      const delay = 20 + Math.floor(Math.random() * 281);
      await sleep(delay);
      const outcome = await kill(writer.child);
      if (outcome === 'killed') kills += 1;
      else assert.match(writer.output().stdout, /^done$/m, writer.output().stderr);

      const store = await Store.open(dataDir);
      try {
        const report = await auditAll(store);
        assert.ok(report.ok, formatStoreAudit(report).join('\n'));
        assert.equal(report.targets.length, 2);
        // The stored entries are exactly the first `count` the writer wrote, in order.
        const seen: number[] = [];
        for (const t of report.targets) {
          for await (const { hash } of store.entries.indexed(t.target)) {
            seen.push(position.get(hashHex(hash))!);
          }
        }
        seen.sort((a, b) => a - b);
        assert.deepEqual(seen, [...seen.keys()], 'stored entries form a prefix of the writes');
        assert.ok(seen.length >= stored, `entries went from ${stored} to ${seen.length}`);
        rounds.push(`${delay}ms:${seen.length - stored}`);
        stored = seen.length;
      } finally {
        await store.close();
      }
    }
    const reorgs = work.reorgsWithin(stored);
    t.diagnostic(
      `${kills} kills, ${stored} entries, ${reorgs} reorgs; delay:new entries ${rounds}`,
    );
    // The kills must have landed while entries were being written, reorgs included.
    assert.ok(kills >= KILLS / 2, `only ${kills} kills hit a running writer (${rounds})`);
    assert.ok(stored > 50, `only ${stored} entries written (${rounds})`);
    assert.ok(reorgs > 5, 'the stored entries include reorgs');
  });
});
