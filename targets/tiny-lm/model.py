#!/usr/bin/env python3
"""tiny-lm: a character n-gram language model and its training. The only file a search edits.

    python3 model.py train     run phase: count n-grams in data/train.txt, save the model
                               to $NIGHTSHIFT_OUTPUT
    python3 model.py predict   predict phase: load the model, then answer the harness's step
                               protocol on stdin/stdout (see harness/score.py)

The harness, not this file, computes the metric: bits per character on held-out text that
this code never reads. Everything here may change (the method, not only the numbers) as
long as the two commands keep the protocol: Python 3.11 standard library only, no network,
deterministic for a given NIGHTSHIFT_SEED.
"""

import collections
import marshal
import os
import random
import sys
import time

# Settings. One `NAME = value` per line: the built-in searcher rewrites these lines.
ORDER = 2  # n of the n-gram: a prediction looks at the last ORDER - 1 characters
SMOOTHING = "add-k"  # "add-k", "witten-bell", "absolute" or "kneser-ney"
ALPHA = 1.0  # add-k: pseudo-count given to every character in every context
DISCOUNT = 0.75  # absolute, kneser-ney: subtracted from each seen count, given to lower orders
ADAPT = False  # keep counting the held-out characters as the harness reveals them

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN_TEXT = os.path.join(HERE, "data", "train.txt")
MODEL_FILE = "model.marshal"


def rng():
    """The only source of randomness allowed: seeded by the runner, so a re-run matches."""
    return random.Random(int(os.environ.get("NIGHTSHIFT_SEED", "0")))


def count_ngrams(text, order):
    """counts[n][gram] for every n-gram of the text, n = 1 .. order (counts[0] is empty).

    Only the longest n-grams are counted by scanning the text; each shorter count is the sum
    of the counts of its one-longer extensions, plus one for the n-gram that ends the text.
    """
    counts = [collections.Counter() for _ in range(order + 1)]
    counts[order] = collections.Counter(text[i : i + order] for i in range(len(text) - order + 1))
    for n in range(order - 1, 0, -1):
        shorter = counts[n]
        for gram, c in counts[n + 1].items():
            shorter[gram[:-1]] += c
        shorter[text[-n:]] += 1
    return counts


def nest(grams):
    """{context: {next char: count}} from {gram: count}.

    Dicts keep insertion order, and the insertion order here comes from the text alone, so
    every later sum over them runs in the same order in every run.
    """
    table = {}
    for gram, n in grams.items():
        followers = table.get(gram[:-1])
        if followers is None:
            table[gram[:-1]] = {gram[-1]: n}
        else:
            followers[gram[-1]] = n
    return table


def build(text):
    """The trained model: n-gram tables by context length k = 0 .. ORDER - 1."""
    counts = count_ngrams(text, ORDER)
    raw = [nest(counts[k + 1]) for k in range(ORDER)]
    model = {"raw": raw, "raw_totals": [totals(t) for t in raw], "cont": [], "cont_totals": []}
    if SMOOTHING == "kneser-ney":
        # Lower orders count in how many different contexts a character was seen, not how
        # often: the "k" of "York" is frequent, but only after "Yor", so where a shorter
        # context is all there is to go on it deserves little weight.
        model["cont"] = [{} for _ in range(ORDER - 1)]
        model["cont_totals"] = [{} for _ in range(ORDER - 1)]
        for k in range(1, ORDER):
            for ctx, followers in raw[k].items():
                for ch in followers:
                    add_continuation(model, k - 1, ctx[1:], ch)
    return model


def totals(table):
    return {ctx: sum(followers.values()) for ctx, followers in table.items()}


def add_continuation(model, k, ctx, ch):
    """A new n-gram ctx0 + ctx + ch was seen: ch has followed ctx after one more context."""
    followers = model["cont"][k].setdefault(ctx, {})
    followers[ch] = followers.get(ch, 0) + 1
    model["cont_totals"][k][ctx] = model["cont_totals"][k].get(ctx, 0) + 1


def train():
    started = time.monotonic()
    with open(TRAIN_TEXT, encoding="ascii") as f:
        text = f.read()
    model = build(text)
    blob = marshal.dumps(model)
    with open(os.path.join(os.environ["NIGHTSHIFT_OUTPUT"], MODEL_FILE), "wb") as f:
        f.write(blob)
    grams = sum(len(f) for table in model["raw"] for f in table.values())
    seconds = time.monotonic() - started
    print(f"trained on {len(text)} chars: {grams} n-gram types, {len(blob)} bytes, {seconds:.2f} s")


class Predictor:
    """Interpolated n-gram estimates over the harness's vocabulary."""

    def __init__(self, model, vocab):
        self.model = model
        self.size = len(vocab)
        self.index = {ch: i for i, ch in enumerate(vocab)}
        self.top = len(model["raw"]) - 1  # longest context used
        self.history = ""  # the last `top` characters revealed

    def _counts(self, k, ctx):
        """({next char: count}, total) for a context of k characters; ({}, 0) if unseen."""
        m = self.model
        if SMOOTHING == "kneser-ney" and k < self.top:
            return m["cont"][k].get(ctx, {}), m["cont_totals"][k].get(ctx, 0)
        return m["raw"][k].get(ctx, {}), m["raw_totals"][k].get(ctx, 0)

    def distribution(self):
        """Probabilities of every vocabulary character coming next."""
        size, index, hist = self.size, self.index, self.history
        if SMOOTHING == "add-k":
            followers, total = self._counts(len(hist), hist)
            denom = total + ALPHA * size
            p = [ALPHA / denom] * size
            for ch, n in followers.items():
                p[index[ch]] += n / denom
            return p
        # Interpolate from the empty context up: each order keeps `keep` of the estimate
        # below it and adds its own discounted counts.
        p = [1.0 / size] * size
        for k in range(len(hist) + 1):
            followers, total = self._counts(k, hist[len(hist) - k :])
            if not followers:
                break  # a longer context is unseen too
            types = len(followers)
            if SMOOTHING == "witten-bell":
                keep, gain, take = types / (total + types), 1.0 / (total + types), 0.0
            else:  # absolute discounting, kneser-ney
                keep, gain, take = DISCOUNT * types / total, 1.0 / total, DISCOUNT / total
            p = [x * keep for x in p]
            for ch, n in followers.items():
                p[index[ch]] += n * gain - take
        return p

    def observe(self, ch):
        """The harness revealed the next character."""
        if ADAPT:
            m, h = self.model, self.history + ch
            for k in range(len(self.history) + 1):
                ctx = h[len(h) - 1 - k : -1]
                followers = m["raw"][k].setdefault(ctx, {})
                new = ch not in followers
                followers[ch] = followers.get(ch, 0) + 1
                m["raw_totals"][k][ctx] = m["raw_totals"][k].get(ctx, 0) + 1
                if new and k > 0 and SMOOTHING == "kneser-ney":
                    add_continuation(m, k - 1, ctx[1:], ch)
        self.history = (self.history + ch)[-self.top :] if self.top else ""


def predict():
    with open(os.path.join(os.environ["NIGHTSHIFT_OUTPUT"], MODEL_FILE), "rb") as f:
        model = marshal.load(f)
    inp, out = sys.stdin, sys.stdout
    vocab = [chr(int(c)) for c in inp.readline().split()[1:]]  # "vocab C0 C1 ..."
    steps = int(inp.readline().split()[1])  # "steps N"
    predictor = Predictor(model, vocab)
    # Six significant digits: the harness renormalises, so the sum need not be exact.
    line_format = " ".join(["%.6g"] * len(vocab)) + "\n"
    for _ in range(steps):
        out.write(line_format % tuple(predictor.distribution()))
        out.flush()
        line = inp.readline()
        if not line:
            return
        predictor.observe(vocab[int(line)])


def main():
    # Set iteration order depends on string hashes; pin them so every run sums in one order.
    if os.environ.get("PYTHONHASHSEED") != "0" and sys.executable:
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "train":
        train()
    elif command == "predict":
        predict()
    else:
        sys.exit("usage: model.py train|predict")


if __name__ == "__main__":
    main()
