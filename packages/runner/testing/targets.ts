/**
 * Throwaway targets for runner tests, in Python (the standard library only): a harness that
 * reads the held-out file and the run's output, and candidates to put beside it.
 */
import type { TestFiles } from './index.ts';

export const HELD_OUT = 'secret-heldout-data\n';

/** The harness: `score: <the run's result + the length of the held-out text>`. */
export const SCORE_PY = `import os
held = open('data/heldout.txt').read()
value = float(open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'result.txt')).read())
print(f'score: {value + len(held)}')
`;

/** An honest candidate: writes 0.5 as its result. */
export const HONEST_TRAIN_PY = `import os
open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'result.txt'), 'w').write('0.5')
`;

/** The metric the honest candidate gets: 0.5 + len(HELD_OUT). */
export const HONEST_METRIC = 0.5 + HELD_OUT.length;

/** The files of a target whose mutable file is `train.py`, with `train` as its code. */
export function targetFiles(train: string, extra: TestFiles = {}): TestFiles {
  return {
    'program.md': '# Make the score go down\n',
    'train.py': train,
    'score.py': SCORE_PY,
    'data/heldout.txt': HELD_OUT,
    'data/train.txt': 'public training text\n',
    ...extra,
  };
}

/**
 * A harness that needs the candidate's model step by step: it sends the previous held-out
 * character's code point to the predictor (fd 3), reads its guess of the next (fd 4), and
 * scores the number of right guesses. The predictor never holds the held-out text.
 */
export const PREDICT_SCORE_PY = `import os
held = open('data/heldout.txt').read()
to_model = os.fdopen(int(os.environ['NIGHTSHIFT_PREDICTOR_IN']), 'w')
from_model = os.fdopen(int(os.environ['NIGHTSHIFT_PREDICTOR_OUT']), 'r')
right, previous = 0, '\\n'
for ch in held:
    to_model.write(f'{ord(previous)}\\n')
    to_model.flush()
    guess = from_model.readline()
    if not guess:
        raise SystemExit('the predictor stopped answering')
    right += int(guess) == ord(ch)
    previous = ch
to_model.close()
print(f'score: {right}')
`;

/** A predictor that always guesses 'e' (right 3 times in HELD_OUT). */
export const GUESS_E_PY = `import sys
for line in sys.stdin:
    print(ord('e'), flush=True)
`;
export const GUESS_E_METRIC = 3;
