/** What a worker reports as it goes: the terminal's lines, and `--json`'s objects. */
export type WorkerEvent =
  | {
      event: 'started';
      target: string;
      name: string;
      head: string;
      metric: number;
      resumed: number;
    }
  | {
      event: 'experiment';
      n: number;
      status: 'keep' | 'discard' | 'crash';
      reason: string;
      metric?: number;
      seconds: number;
      description: string;
      best: number;
      head: number;
      keepRate: number;
    }
  | { event: 'searcher_error'; code: string; message: string }
  | { event: 'head'; head: string; height: number; metric: number }
  | { event: 'rebased'; applied: boolean; metric?: number }
  | { event: 'announced'; commitment: string; candidate: string; claim: number; head: number }
  | { event: 'announce_failed'; message: string }
  /** A slot waits: its GPU is busy (`--when-idle`), or the owner asked (`by: 'request'`, all slots). */
  | { event: 'paused'; gpu: string; by?: 'request' }
  | { event: 'resumed'; gpu: string; by?: 'request' }
  | { event: 'stopped'; experiments: number; reason: StopReason };

export type StopReason =
  | 'max_experiments'
  | 'duration'
  | 'signal'
  | 'search_exhausted'
  | 'searcher_failing';
