/**
 * The body of an entry-validation worker thread: validates runs of entries off the main
 * thread, so a syncing node keeps serving its peers and storing what was validated before.
 */
import { parentPort } from 'node:worker_threads';
import { type ValidationRequest, validateEncoded } from './validate-entries.ts';

parentPort!.postMessage({ ready: true });
parentPort!.on('message', async ({ id, request }: { id: number; request: ValidationRequest }) => {
  try {
    parentPort!.postMessage({ id, result: await validateEncoded(request) });
  } catch (err) {
    parentPort!.postMessage({ id, failure: err instanceof Error ? err.message : String(err) });
  }
});
