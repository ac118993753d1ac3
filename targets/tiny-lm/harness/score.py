#!/usr/bin/env python3
"""tiny-lm score phase: bits per character of the candidate's predictor on held-out text.

This file is the harness: a candidate can never change it, and the runner never lets
candidate code into this process. The candidate's predictor (manifest `predict`, that is
`python3 model.py predict`) runs in a separate sandbox that cannot read the held-out text;
the two talk through two pipes, this process's fd 3 (to the predictor's stdin) and fd 4
(from the predictor's stdout), named by NIGHTSHIFT_PREDICTOR_IN and NIGHTSHIFT_PREDICTOR_OUT.

Step protocol (ASCII lines, each ending in "\n"):

    harness -> predictor   vocab C0 C1 ... C95     the vocabulary, as decimal code points
    harness -> predictor   steps N                 how many characters will be scored
    then N times:
    predictor -> harness   P0 P1 ... P95           V non-negative numbers: how likely each
                                                   vocabulary character is to come next
    harness -> predictor   I                       the index of the character that came
    after the last step the harness closes the pipe; the predictor should exit.

The harness sends a character only after it has read the prediction for it, so the predictor
sees the held-out text one character at a time, always too late to use it for that character.

What the harness does with a prediction, so no predictor can forge a better number:
  - it refuses anything but exactly V finite, non-negative numbers whose sum is positive;
  - it renormalises them itself, so claiming a total above 1 gains nothing;
  - it mixes in a tiny uniform share (FLOOR_MIX), so no character costs more than
    log2(V / FLOOR_MIX) bits and a confident miss stays finite.
Any violation, or a predictor that exits or closes a pipe early, ends the run with exit
status 2, a message on stderr and no metric line. Only this process prints `val_bpc:`.
"""

import math
import os
import sys
import time

# The vocabulary: line feed and printable ASCII. The held-out text uses nothing else.
VOCAB = "\n" + "".join(chr(c) for c in range(32, 127))
HELD_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "heldout.txt")
# Share of probability spread uniformly over the vocabulary after renormalising: costs a
# perfect predictor under 2e-6 bits per character, caps a miss at about 27 bits.
FLOOR_MIX = 1e-6
# A prediction line is V numbers; 160 bytes per number is far more than any float needs.
MAX_LINE = 160 * len(VOCAB)

EXIT_PREDICTOR = 2  # the predictor broke the protocol or died
EXIT_DATA = 3  # the harness's own data is unusable


class ProtocolError(Exception):
    pass


def parse_prediction(line, size):
    """The numbers of one prediction line, or ProtocolError saying what is wrong with it."""
    if not line:
        raise ProtocolError("the predictor closed its output (did it crash? see its stderr)")
    if not line.endswith(b"\n"):
        raise ProtocolError(f"line longer than {MAX_LINE} bytes or not ended by a line feed")
    fields = line.split()
    if len(fields) != size:
        raise ProtocolError(f"expected {size} numbers, got {len(fields)}")
    try:
        probs = [float(f) for f in fields]
    except ValueError:
        bad = next(f for f in fields if not _is_float(f))
        raise ProtocolError(f"not a number: {bad[:40]!r}") from None
    try:
        total = math.fsum(probs)  # nan if any value is nan; inf (or an error) if any is inf
    except (OverflowError, ValueError):
        total = math.inf
    if not math.isfinite(total):
        bad = next((p for p in probs if not math.isfinite(p)), None)
        raise ProtocolError(f"non-finite value {bad!r}" if bad is not None else "sum overflows")
    if min(probs) < 0:
        raise ProtocolError(f"negative value {min(probs)!r}")
    if total <= 0:
        raise ProtocolError("all values are zero")
    return probs, total


def _is_float(field):
    try:
        float(field)
        return True
    except ValueError:
        return False


def score(text, to_predictor, from_predictor):
    """Run the step protocol over `text`; returns bits per character."""
    size = len(VOCAB)
    index = {ch: i for i, ch in enumerate(VOCAB)}
    to_predictor.write(b"vocab " + " ".join(str(ord(c)) for c in VOCAB).encode() + b"\n")
    to_predictor.write(b"steps %d\n" % len(text))
    to_predictor.flush()
    bits = []
    for step, ch in enumerate(text):
        try:
            probs, total = parse_prediction(from_predictor.readline(MAX_LINE + 1), size)
        except ProtocolError as err:
            raise ProtocolError(f"step {step}: {err}") from None
        i = index[ch]
        q = (1.0 - FLOOR_MIX) * (probs[i] / total) + FLOOR_MIX / size
        bits.append(-math.log2(q))
        try:
            to_predictor.write(b"%d\n" % i)
            to_predictor.flush()
        except BrokenPipeError:
            raise ProtocolError(f"step {step}: the predictor closed its input") from None
    return math.fsum(bits) / len(text)


def load_held_out():
    with open(HELD_OUT, encoding="ascii", newline="") as f:
        text = f.read()
    outside = sorted(set(text) - set(VOCAB))
    if not text or outside:
        print(f"score: held-out text empty or outside the vocabulary: {outside!r}", file=sys.stderr)
        sys.exit(EXIT_DATA)
    return text


def main():
    text = load_held_out()
    fd_in = int(os.environ.get("NIGHTSHIFT_PREDICTOR_IN", "3"))
    fd_out = int(os.environ.get("NIGHTSHIFT_PREDICTOR_OUT", "4"))
    try:
        to_predictor = os.fdopen(fd_in, "wb")
        from_predictor = os.fdopen(fd_out, "rb")
    except OSError as err:
        print(f"score: no predictor pipes on fds {fd_in}/{fd_out}: {err}", file=sys.stderr)
        sys.exit(EXIT_PREDICTOR)
    started = time.monotonic()
    try:
        bpc = score(text, to_predictor, from_predictor)
    except (ProtocolError, BrokenPipeError) as err:
        # stderr only: nothing the predictor wrote may reach the stdout the metric is read from.
        print(f"score: predictor rejected: {err}", file=sys.stderr)
        sys.exit(EXIT_PREDICTOR)
    finally:
        try:
            to_predictor.close()  # EOF tells the predictor we are done
        except BrokenPipeError:
            pass
    print(f"steps: {len(text)}")
    print(f"predict_seconds: {time.monotonic() - started:.2f}")
    print(f"val_bpc: {bpc:.6f}")


if __name__ == "__main__":
    main()
