// The files `nightshift target init` writes: a small target that works out of the box (a
// linear fit scored on held-out rows, Python standard library only), so that `target check`
// passes on it, and a README that explains every manifest field (JSON has no comments).

export interface ScaffoldFile {
  path: string;
  content: string;
}

/** mulberry32, a 32-bit generator in [0, 1): the data files are the same every time. */
function* sequence(seed: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    yield ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
}

/** Rows of y = 3x + 1 plus noise, as CSV with a header. */
function rows(values: Generator<number>, count: number): string {
  const lines = ['x,y'];
  for (let i = 0; i < count; i++) {
    const x = values.next().value as number;
    const noise =
      ((values.next().value as number) +
        (values.next().value as number) +
        (values.next().value as number) -
        1.5) *
      0.2;
    lines.push(`${x.toFixed(4)},${(3 * x + 1 + noise).toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function manifest(name: string): Record<string, unknown> {
  return {
    name,
    description: `${name}: fit a line to noisy points; the metric is the mean squared error on held-out points.`,
    mutablePaths: ['train.py'],
    heldOutPaths: ['data/heldout.csv'],
    program: 'program.md',
    run: ['python3', 'train.py'],
    score: ['python3', 'harness/score.py'],
    metric: {
      name: 'mse',
      direction: 'minimize',
      source: 'stdout-line',
      pattern: '^mse: ([0-9.]+)$',
    },
    limits: { wallSeconds: 60, memoryMb: 512, outputMb: 16, processes: 16 },
    hardware: 'cpu',
    minDelta: 0.001,
    tolerance: 0.0005,
    runs: 1,
    quorum: 1,
    revealDelayMs: 2000,
    searchSpace: [
      {
        name: 'LEARNING_RATE',
        file: 'train.py',
        kind: 'log-float',
        min: 0.01,
        max: 1.9,
        choices: [],
      },
      { name: 'STEPS', file: 'train.py', kind: 'int', min: 1, max: 400, choices: [] },
    ],
  };
}

export function scaffoldFiles(name: string): ScaffoldFile[] {
  const values = sequence(7);
  return [
    { path: 'target.json', content: `${JSON.stringify(manifest(name), null, 2)}\n` },
    { path: 'README.md', content: README.replaceAll('{name}', name) },
    { path: 'program.md', content: PROGRAM },
    { path: 'train.py', content: TRAIN },
    { path: 'harness/score.py', content: SCORE },
    { path: 'data/train.csv', content: rows(values, 200) },
    { path: 'data/heldout.csv', content: rows(values, 100) },
  ];
}

const TRAIN = `"""The candidate: the one file workers change (manifest \`mutablePaths\`).

Fits y = a*x + b to data/train.csv by gradient descent and writes the fitted parameters to
$NIGHTSHIFT_OUTPUT/model.json. The harness scores them; nothing this file prints counts.
NIGHTSHIFT_SEED is the run's seed, derived from the log (the same for a worker and its
verifiers), so a run can be repeated exactly.
"""

import json
import os
import random

LEARNING_RATE = 0.5
STEPS = 40


def main():
    random.seed(int(os.environ.get("NIGHTSHIFT_SEED", "0")))
    rows = []
    with open("data/train.csv") as f:
        next(f)
        for line in f:
            x, y = line.split(",")
            rows.append((float(x), float(y)))
    a, b = random.uniform(-0.01, 0.01), random.uniform(-0.01, 0.01)
    for _ in range(STEPS):
        grad_a = sum((a * x + b - y) * x for x, y in rows) / len(rows)
        grad_b = sum(a * x + b - y for x, y in rows) / len(rows)
        a -= LEARNING_RATE * grad_a
        b -= LEARNING_RATE * grad_b
    out = os.environ.get("NIGHTSHIFT_OUTPUT", "out")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump({"a": a, "b": b}, f)


if __name__ == "__main__":
    main()
`;

const SCORE = `"""The harness's score phase: fixed code that no candidate can change.

Reads the fitted parameters from the run phase's output as data (never imports or runs
anything from it) and prints the mean squared error on data/heldout.csv, which the run phase
never sees (manifest \`heldOutPaths\`). Only this line is read as the metric.
"""

import json
import math
import os

out = os.environ.get("NIGHTSHIFT_OUTPUT", "out")
with open(os.path.join(out, "model.json")) as f:
    model = json.load(f)
a, b = float(model["a"]), float(model["b"])
if not (math.isfinite(a) and math.isfinite(b)):
    raise SystemExit("model.json holds a parameter that is not a finite number")
total = n = 0
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "heldout.csv")) as f:
    next(f)
    for line in f:
        x, y = line.split(",")
        total += (a * float(x) + b - float(y)) ** 2
        n += 1
print(f"mse: {total / n:.6f}")
`;

const PROGRAM = `# Make the mean squared error go down

You are improving \`train.py\`, which fits y = a*x + b to \`data/train.csv\`. The harness
(\`harness/score.py\`) reads the fitted \`a\` and \`b\` from \`model.json\` and prints the mean
squared error on held-out points you cannot see. Lower is better.

- Change only \`train.py\`; every other file is the fixed harness.
- Keep the output: \`$NIGHTSHIFT_OUTPUT/model.json\` with the numbers \`a\` and \`b\`.
- Use \`NIGHTSHIFT_SEED\` for any randomness, so a run can be repeated exactly.
- The run must finish within the time limit in \`target.json\` (60 s, one CPU core).
`;

const README = `# {name}

A nightshift search target, made by \`nightshift target init\`. Check it with
\`nightshift target check .\` (runs the baseline several times and reports the metric's
spread), then publish it with \`nightshift target submit .\`.

| file | role |
| --- | --- |
| \`target.json\` | the manifest (fields below) |
| \`program.md\` | instructions for coding agents that search this target |
| \`train.py\` | the only mutable file: what candidates change |
| \`harness/score.py\` | the score phase: fixed code that computes the metric |
| \`data/train.csv\` | training data, seen by the run phase |
| \`data/heldout.csv\` | held-out data, seen only by the score phase |

## target.json, field by field

JSON has no comments, so they are here.

- \`name\`: short name, lower-case letters, digits and \`-\`.
- \`description\`: free text shown with the target.
- \`mutablePaths\`: what a candidate may change (files, or directories ending in \`/\`);
  everything else is the fixed harness.
- \`heldOutPaths\`: data only the score phase sees; the run phase never does.
- \`program\`: the agent instructions.
- \`run\`: the experiment command, run in a sandbox with the tree read-only at the working
  directory; it writes to \`$NIGHTSHIFT_OUTPUT\`. \`NIGHTSHIFT_SEED\` is its seed.
- \`score\`: the scoring command, run from harness files only, with the held-out data and the
  run's output (read-only); the metric is read from what it prints.
- \`metric\`: \`name\`, \`direction\` (\`minimize\` or \`maximize\`), \`source\` (\`stdout-line\`: the
  regular expression \`pattern\` is matched against each line of the score phase's output and
  capture group 1 of the last match is the metric; or \`json-file\` with \`file\` and a key path).
- \`limits\`: \`wallSeconds\`, \`memoryMb\`, \`outputMb\`, \`processes\` for each phase.
- \`hardware\`: the hardware class verifiers must match, e.g. \`cpu\` or \`gpu:a100-80gb\`.
- \`minDelta\`: the smallest improvement worth a log entry; keep it above the metric's
  run-to-run spread (\`target check\` measures it), or luck makes entries.
- \`tolerance\`: how far a verifier's re-run may differ from the claim; runs with the same seed
  repeat exactly here, so it covers only differences between machines.
- \`runs\`: verification runs per candidate (1 to 15); the median counts.
- \`quorum\`: how many verifiers must agree (the verifiers are named at submit time).
- \`revealDelayMs\`: how long a commitment must precede its candidate (at most 600000).
- \`searchSpace\`: the settings the built-in \`evolve\` searcher tunes: each a \`name = value\` line
  in a mutable \`file\`, of \`kind\` \`int\`, \`float\`, \`log-float\` (with \`min\`, \`max\`) or \`choice\`
  (with \`choices\`).

## Why its metric cannot be forged

The candidate only writes two numbers. The harness reads them as data, computes the error
itself on points the candidate never saw, and is the only code whose output is read.
`;
