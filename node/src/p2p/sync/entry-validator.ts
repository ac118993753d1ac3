/**
 * Entry validation on worker threads. Signature checks are most of a range sync's work; on
 * the main thread they hold up the store's writes (whose callbacks wait for the event loop)
 * and every request the node answers. One pool per process, shared by every Sync in it;
 * its threads do not keep the process alive. When a worker cannot start (no TypeScript
 * loader, no threads), validation runs on the main thread instead, with the same verdicts.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type ValidationRequest,
  type ValidationResult,
  validateEncoded,
} from './validate-entries.ts';

interface Pending {
  resolve: (result: ValidationResult) => void;
  reject: (err: Error) => void;
}

/** A worker that is not ready this long after it started, or does not answer a run in
 *  this time, is taken for broken: validation moves to the main thread. */
const START_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 120_000;

class WorkerSlot {
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private waiting = 0;
  private readonly ready: Promise<void>;
  readonly worker: Worker;

  constructor(private readonly onBroken: () => void) {
    // The sources are TypeScript: the worker registers the same loader the process uses.
    const loader = import.meta.resolve('tsx/esm/api');
    const body = new URL('./validation-worker.ts', import.meta.url).href;
    this.worker = new Worker(
      `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(body)}); })`,
      { eval: true },
    );
    let started: () => void = () => {};
    this.ready = new Promise((resolve) => {
      started = resolve;
    });
    this.worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) return started();
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.result) pending.resolve(message.result);
      else pending.reject(new Error(message.failure));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', () => this.fail(new Error('the validation worker exited')));
    // After the listeners: adding a 'message' listener refs the worker again.
    this.worker.unref();
  }

  get load(): number {
    return this.waiting;
  }

  async validate(request: ValidationRequest): Promise<ValidationResult> {
    // An idle worker lets the process exit; one with work in hand keeps it running.
    if (this.waiting++ === 0) this.worker.ref();
    try {
      await within(this.ready, START_TIMEOUT_MS, () => this.fail(new Error('no start')));
      const id = this.next++;
      const answer = new Promise<ValidationResult>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
      });
      this.worker.postMessage({ id, request });
      return await within(answer, RUN_TIMEOUT_MS, () => this.fail(new Error('no answer')));
    } finally {
      if (--this.waiting === 0) this.worker.unref();
    }
  }

  private fail(err: Error): void {
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
    this.onBroken();
  }
}

type WorkerMessage = { ready: true } | { id: number; result?: ValidationResult; failure?: string };

/** `promise`, or a rejection after `ms` (calling `onTimeout` first). */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error('the validation worker did not answer'));
    }, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class EntryValidator {
  private slots: WorkerSlot[] | undefined;
  private broken = false;

  /** `threads` workers (0: validate on the calling thread). */
  constructor(private readonly threads: number) {}

  async validate(request: ValidationRequest): Promise<ValidationResult> {
    const slot = this.pick();
    if (!slot) return validateEncoded(request);
    try {
      return await slot.validate(request);
    } catch {
      // The worker broke: this run, and every later one, is validated here.
      return validateEncoded(request);
    }
  }

  private pick(): WorkerSlot | undefined {
    if (this.threads <= 0 || this.broken) return undefined;
    if (!this.slots) {
      try {
        const onBroken = () => {
          this.broken = true;
          for (const slot of this.slots ?? []) void slot.worker.terminate();
        };
        this.slots = Array.from({ length: this.threads }, () => new WorkerSlot(onBroken));
      } catch {
        this.broken = true;
        return undefined;
      }
    }
    return this.slots.reduce((a, b) => (b.load < a.load ? b : a));
  }
}

let shared: EntryValidator | undefined;

/** The process's validator: one thread per spare core, at most two. */
export function sharedEntryValidator(): EntryValidator {
  shared ??= new EntryValidator(Math.min(2, Math.max(1, availableParallelism() - 1)));
  return shared;
}
