// The terminal's line for each worker event (`--json` prints the events themselves).
import type { WorkerEvent } from '../../worker/events.ts';

type Printable = WorkerEvent | ({ event: string } & Record<string, unknown>);

const short = (hex: unknown) => String(hex).slice(0, 12);
const num = (value: unknown) => (typeof value === 'number' ? value.toFixed(6) : '-');

export function describeWorkerEvent(e: Printable): string {
  const f = e as Record<string, unknown>;
  switch (e.event) {
    case 'waiting':
      return `waiting up to ${f.seconds} s for target ${f.target} and its verified baseline from peers`;
    case 'started':
      return `searching ${f.name} (${short(f.target)}): head ${short(f.head)} at ${num(f.metric)}${f.resumed ? `, ${f.resumed} experiments in the journal` : ''}`;
    case 'experiment':
      return [
        `#${f.n}`.padEnd(5),
        String(f.status).padEnd(7),
        (f.metric === undefined ? String(f.reason) : num(f.metric)).padEnd(12),
        `best ${num(f.best)}  head ${num(f.head)}  keep ${Math.round(Number(f.keepRate) * 100)}%  ${Number(f.seconds).toFixed(1)} s  ${f.description}`,
      ].join(' ');
    case 'searcher_error':
      return `searcher: ${f.code}: ${f.message}`;
    case 'head':
      return `new head ${short(f.head)} at height ${f.height}, metric ${num(f.metric)}: starting from it`;
    case 'rebased':
      return f.applied
        ? `re-applied the local best on the new head: ${num(f.metric)}`
        : 'the local best does not apply cleanly on the new head; starting over from it';
    case 'announced':
      return `announced ${short(f.candidate)}: claims ${num(f.claim)} against head ${num(f.head)}`;
    case 'announce_failed':
      return `announcement failed: ${f.message}`;
    case 'verdict':
      return `verdict on ${short(f.candidate)} from ${short(f.verifier)}: ${f.verdict} (${f.reason}${f.metric === undefined ? '' : `, measured ${num(f.metric)}`})`;
    case 'paused':
      return f.by === 'request'
        ? 'paused on request: the experiments running finish, no new ones start'
        : `GPU ${f.gpu} is in use by another process: paused`;
    case 'resumed':
      return f.by === 'request' ? 'resumed on request' : `GPU ${f.gpu} is idle again: resumed`;
    case 'stopped':
      return `stopped (${String(f.reason).replace('_', ' ')}) after ${f.experiments} experiments`;
    default:
      return JSON.stringify(e);
  }
}
