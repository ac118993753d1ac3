#!/usr/bin/env python3
"""Run one tiny-lm experiment by hand: run phase, then predictor + score harness.

DEVELOPER CONVENIENCE ONLY. There is no sandbox here: candidate code runs as you, with your
network and your files. Verifiers never use this script; the nightshift runner runs each
phase under bubblewrap. This script only mimics the runner's contract closely enough to see
numbers and to test the target:

  - each phase gets its own copy of the tree as the runner would show it: run and predict
    without heldOutPaths, score without mutablePaths (and with the held-out data);
  - env HOME, PYTHONDONTWRITEBYTECODE=1, NIGHTSHIFT_SEED, NIGHTSHIFT_PHASE,
    NIGHTSHIFT_OUTPUT, NIGHTSHIFT_SCORE_OUTPUT, NIGHTSHIFT_PREDICTOR_IN/OUT;
  - the predictor's stdin/stdout are pipes to the harness's fds 3 and 4.

    python3 scripts/run_local.py                                  # the baseline
    python3 scripts/run_local.py --set ORDER=6 --set SMOOTHING=kneser-ney --set ADAPT=True
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TARGET_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = {"__pycache__", ".git"}


def load_manifest(tree):
    with open(os.path.join(tree, "target.json"), encoding="utf-8") as f:
        return json.load(f)


def matches(path, patterns):
    """Manifest path patterns: `a/b` matches that file, `a/` everything under it."""
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in patterns)


def tree_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            yield os.path.relpath(full, root).replace(os.sep, "/"), full


def copy_view(src, dst, keep):
    """Copy the files of `src` whose relative path passes `keep` to `dst`."""
    for rel, full in tree_files(src):
        if keep(rel):
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copy2(full, os.path.join(dst, rel))


def apply_setting(source, name, value):
    """Rewrite the `NAME = value` line of a settings file, as the built-in searcher does.

    A bare word given for a quoted setting is quoted (`SMOOTHING=kneser-ney` works).
    """
    line = re.compile(rf"^({re.escape(name)}\s*=\s*)(\S+)", re.M)
    found = line.search(source)
    if not found:
        raise SystemExit(f"run_local: no `{name} = ...` line to set")
    old = found.group(2)
    if old[:1] in "\"'" and value[:1] not in "\"'":
        value = old[0] + value + old[0]
    return source[: found.start(2)] + value + source[found.end(2) :]


def workspace(tree=TARGET_DIR, settings=()):
    """A temp dir holding the tree (with settings applied) and the three phase views."""
    manifest = load_manifest(tree)
    ws = tempfile.mkdtemp(prefix="tiny-lm-")
    src = os.path.join(ws, "tree")
    copy_view(tree, src, lambda rel: True)
    files = {p["name"]: p["file"] for p in manifest.get("searchSpace", [])}
    for setting in settings:
        name, _, value = setting.partition("=")
        path = os.path.join(src, files.get(name, "model.py"))
        with open(path, encoding="utf-8") as f:
            text = apply_setting(f.read(), name, value)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    held, mutable = manifest["heldOutPaths"], manifest["mutablePaths"]
    copy_view(src, os.path.join(ws, "run-view"), lambda rel: not matches(rel, held))
    copy_view(src, os.path.join(ws, "score-view"), lambda rel: not matches(rel, mutable))
    for d in ("out", "score-out", "home"):
        os.makedirs(os.path.join(ws, d))
    return ws, manifest


def phase_env(ws, seed, phase, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.path.join(ws, "home"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NIGHTSHIFT_SEED": str(seed),
        "NIGHTSHIFT_PHASE": phase,
        "NIGHTSHIFT_OUTPUT": os.path.join(ws, "out"),
    }
    env.update(extra)
    return env


def run_phase(ws, manifest, seed, timeout=None):
    timeout = timeout or manifest["limits"]["wallSeconds"]
    return subprocess.run(
        manifest["run"],
        cwd=os.path.join(ws, "run-view"),
        env=phase_env(ws, seed, "run"),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def score_phase(ws, manifest, seed, predict=None, timeout=None):
    """Start the predictor and the harness joined by two pipes; the harness's result.

    Returns (completed harness process, predictor's stderr). `predict` overrides the
    manifest's predictor argv (tests use it to play a misbehaving predictor).
    """
    timeout = timeout or manifest["limits"]["wallSeconds"]
    predict = predict or manifest["predict"]
    to_pred_r, to_pred_w = os.pipe()  # harness fd 3 -> predictor stdin
    from_pred_r, from_pred_w = os.pipe()  # predictor stdout -> harness fd 4
    pred_err = tempfile.TemporaryFile()
    predictor = subprocess.Popen(
        predict,
        cwd=os.path.join(ws, "run-view"),
        env=phase_env(ws, seed, "predict"),
        stdin=to_pred_r,
        stdout=from_pred_w,
        stderr=pred_err,
    )
    os.close(to_pred_r)
    os.close(from_pred_w)
    # Park the harness's ends above fd 9 so placing them at 3 and 4 cannot clobber either.
    high_w = fcntl.fcntl(to_pred_w, fcntl.F_DUPFD_CLOEXEC, 10)
    high_r = fcntl.fcntl(from_pred_r, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(to_pred_w)
    os.close(from_pred_r)

    def place_fds():  # runs in the harness's child process, before exec
        os.dup2(high_w, 3)  # dup2 clears close-on-exec: 3 and 4 survive the exec
        os.dup2(high_r, 4)

    env = phase_env(
        ws,
        seed,
        "score",
        NIGHTSHIFT_SCORE_OUTPUT=os.path.join(ws, "score-out"),
        NIGHTSHIFT_PREDICTOR_IN="3",
        NIGHTSHIFT_PREDICTOR_OUT="4",
    )
    try:
        harness = subprocess.run(
            manifest["score"],
            cwd=os.path.join(ws, "score-view"),
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            close_fds=False,
            preexec_fn=place_fds,
        )
    finally:
        os.close(high_w)
        os.close(high_r)
        try:
            predictor.wait(timeout=5)
        except subprocess.TimeoutExpired:
            predictor.kill()
            predictor.wait()
    with pred_err:
        pred_err.seek(0)
        return harness, pred_err.read().decode("utf-8", "replace")


def read_metric(manifest, stdout):
    """The last line matching the manifest's pattern, group 1, as the runner reads it."""
    pattern = re.compile(manifest["metric"]["pattern"])
    values = [m.group(1) for m in map(pattern.match, stdout.splitlines()) if m]
    return float(values[-1]) if values else None


def experiment(tree=TARGET_DIR, settings=(), seed=0, keep=False):
    """Both phases in a fresh workspace; a dict of what happened."""
    ws, manifest = workspace(tree, settings)
    try:
        t0 = time.monotonic()
        run = run_phase(ws, manifest, seed)
        t1 = time.monotonic()
        result = {"run": run, "run_seconds": t1 - t0, "workspace": ws, "metric": None}
        if run.returncode != 0:
            return result
        harness, pred_err = score_phase(ws, manifest, seed)
        result.update(
            score=harness,
            predictor_stderr=pred_err,
            score_seconds=time.monotonic() - t1,
            metric=read_metric(manifest, harness.stdout) if harness.returncode == 0 else None,
        )
        return result
    finally:
        if not keep:
            shutil.rmtree(ws, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=TARGET_DIR, help="target directory (default: this one)")
    parser.add_argument("--seed", type=int, default=0, help="NIGHTSHIFT_SEED (default 0)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--keep", action="store_true", help="keep the temp workspace")
    args = parser.parse_args()
    r = experiment(args.tree, args.set, args.seed, args.keep)
    sys.stdout.write(r["run"].stdout)
    sys.stderr.write(r["run"].stderr)
    if r["run"].returncode != 0:
        sys.exit(f"run phase failed with status {r['run'].returncode}")
    sys.stdout.write(r["score"].stdout)
    sys.stderr.write(r["predictor_stderr"] + r["score"].stderr)
    if r["score"].returncode != 0:
        sys.exit(f"score phase failed with status {r['score'].returncode}")
    print(f"run: {r['run_seconds']:.2f} s, predict+score: {r['score_seconds']:.2f} s")
    print(f"metric {r['metric']}" + (f"  (workspace {r['workspace']})" if args.keep else ""))


if __name__ == "__main__":
    main()
