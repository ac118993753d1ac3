#!/usr/bin/env python3
"""A predictor that plays the step protocol in one chosen way, good or bad, for the tests.

    fake_predictor.py MODE [SCALE]

MODE: fixed (the same letter-frequency guess every step), uniform, ones (claims every
character is certain), and misbehaviours: words, short, nan, inf, negative, zeros, long,
metric (prints a forged metric line), die (exits at step 100), silent (exits at once).
SCALE multiplies every number of `fixed` (an inflated total must not help).
"""

import sys

MODE = sys.argv[1]
SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0


def fixed(vocab):
    common = {" ": 18.0, "e": 10.0, "t": 7.0, "a": 6.5, "o": 6.0, "i": 5.5, "n": 5.5, "s": 5.0}
    weights = [common.get(ch, 0.5) for ch in vocab]
    total = sum(weights)
    return " ".join("%.6g" % (w / total * SCALE) for w in weights)


def main():
    inp, out = sys.stdin, sys.stdout
    vocab = [chr(int(c)) for c in inp.readline().split()[1:]]
    steps = int(inp.readline().split()[1])
    if MODE == "silent":
        return
    size = len(vocab)
    lines = {
        "fixed": fixed(vocab),
        "uniform": " ".join(["0.0104167"] * size),
        "ones": " ".join(["1"] * size),
        "words": "the next letter is probably e",
        "short": " ".join(["1"] * (size - 1)),
        "nan": " ".join(["1"] * (size - 1) + ["nan"]),
        "inf": " ".join(["inf"] + ["1"] * (size - 1)),
        "negative": " ".join(["-0.5"] + ["1"] * (size - 1)),
        "zeros": " ".join(["0"] * size),
        "long": " ".join(["1" * 200] * size),
        "metric": "val_bpc: 0.000001",
    }
    line = lines["uniform" if MODE == "die" else MODE] + "\n"
    for step in range(steps):
        if MODE == "die" and step == 100:
            sys.exit(1)
        out.write(line)
        out.flush()
        if not inp.readline():
            return


if __name__ == "__main__":
    main()
