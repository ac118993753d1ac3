#!/usr/bin/env python3
"""Rebuild data/train.txt and data/heldout.txt from Debian's dict-devil package.

Not part of any phase: this records how the shipped data was made, so anyone can check it.

    apt-get download dict-devil        # dict-devil_1.0-13.1_all.deb
    python3 scripts/make_data.py dict-devil_1.0-13.1_all.deb

The package holds Ambrose Bierce's "The Devil's Dictionary" (1911, public domain) in dictd
format: devil.dict.dz (gzip) plus devil.index (headword, offset, length; base64 numbers).
Each index row is one dictionary entry, so the split is by entry: every HOLD_EVERY-th entry,
starting at HOLD_FIRST, is held out. Whole entries keep a held-out definition from being cut
in half, and spreading them over A-Z makes the held-out text look like the training text.
"""

import gzip
import hashlib
import io
import lzma
import os
import sys
import tarfile

HOLD_EVERY = 25
HOLD_FIRST = 5
# Text whose characters fall outside this set is refused: it is the harness's vocabulary.
VOCAB = "\n" + "".join(chr(c) for c in range(32, 127))
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def ar_members(blob):
    """The members of a Debian package (a Unix ar archive) as {name: bytes}."""
    assert blob[:8] == b"!<arch>\n", "not an ar archive"
    pos, out = 8, {}
    while pos + 60 <= len(blob):
        header = blob[pos : pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        out[name] = blob[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size & 1)
    return out


def dictd_files(deb_path):
    with open(deb_path, "rb") as f:
        members = ar_members(f.read())
    data = lzma.decompress(members["data.tar.xz"])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        dz = tar.extractfile("./usr/share/dictd/devil.dict.dz").read()
        index = tar.extractfile("./usr/share/dictd/devil.index").read().decode("ascii")
    return gzip.decompress(dz).decode("ascii"), index


def b64_number(s):
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def split(text, index):
    spans = set()
    for row in index.splitlines():
        word, offset, length = row.split("\t")
        if not word.startswith("00database"):  # dictfmt's own header rows
            spans.add((b64_number(offset), b64_number(length)))
    entries = [text[o : o + n] for o, n in sorted(spans)]
    entries = [e for e in entries if not e.startswith(" abcdefghijklmnopqrstuvwxyz")]
    # The book's own title page and preface (inside dictfmt's info header) open the training text.
    start = text.index("            The Internet Wiretap")
    preface = text[start : text.index("ABASEMENT, n.")]
    held = [e for i, e in enumerate(entries) if i % HOLD_EVERY == HOLD_FIRST]
    train = [e for i, e in enumerate(entries) if i % HOLD_EVERY != HOLD_FIRST]
    return preface + "".join(train), "".join(held), len(entries), len(held)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_data.py dict-devil_*.deb")
    text, index = dictd_files(sys.argv[1])
    train, held, n_entries, n_held = split(text, index)
    for name, body in (("train.txt", train), ("heldout.txt", held)):
        bad = sorted(set(body) - set(VOCAB))
        assert not bad, f"{name}: characters outside the vocabulary: {bad!r}"
        path = os.path.join(os.path.dirname(__file__), "..", "data", name)
        with open(path, "w", encoding="ascii", newline="\n") as f:
            f.write(body)
        digest = hashlib.sha256(body.encode("ascii")).hexdigest()
        print(f"{name}: {len(body)} chars, sha256 {digest}")
    print(f"entries: {n_entries}, held out: {n_held}")


if __name__ == "__main__":
    main()
