"""tiny-lm: the metric is reproducible, the search space pays off, and the harness defends
the metric against predictors that misbehave.

    python3 -m unittest discover -s targets/tiny-lm/tests

Runs the phases through scripts/run_local.py (no sandbox): about 15 s on one core.
"""

import math
import os
import shutil
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # leave no __pycache__ in the target tree
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))

import run_local  # noqa: E402

FAKE = [sys.executable, os.path.join(HERE, "fake_predictor.py")]


class Experiments(unittest.TestCase):
    def test_the_baseline_gives_the_same_bpc_on_two_runs_with_the_same_seed(self):
        first = run_local.experiment(seed=7)
        second = run_local.experiment(seed=7)
        self.assertEqual(first["score"].returncode, 0, first["score"].stderr)
        self.assertIsNotNone(first["metric"])
        self.assertEqual(first["score"].stdout.splitlines()[-1], second["score"].stdout.splitlines()[-1])
        self.assertGreater(first["metric"], 3.0)  # untuned on purpose: room to improve

    def test_a_setting_from_the_search_space_lowers_the_bpc(self):
        baseline = run_local.experiment()["metric"]
        better = run_local.experiment(settings=["ORDER=5", "SMOOTHING=kneser-ney"])["metric"]
        self.assertLess(better, baseline - 1.0)


class Harness(unittest.TestCase):
    """The real harness, scoring fake predictors on the real held-out text."""

    @classmethod
    def setUpClass(cls):
        cls.ws, cls.manifest = run_local.workspace()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.ws, ignore_errors=True)

    def score(self, *args):
        harness, _ = run_local.score_phase(self.ws, self.manifest, 0, predict=[*FAKE, *args])
        return harness

    def metric(self, *args):
        harness = self.score(*args)
        self.assertEqual(harness.returncode, 0, harness.stderr)
        return run_local.read_metric(self.manifest, harness.stdout)

    def assert_rejected(self, mode, message):
        harness = self.score(mode)
        self.assertEqual(harness.returncode, 2, harness.stdout + harness.stderr)
        self.assertNotIn("val_bpc", harness.stdout)
        self.assertIsNone(run_local.read_metric(self.manifest, harness.stdout))
        self.assertIn(message, harness.stderr)

    def test_a_uniform_guess_costs_log2_of_the_vocabulary(self):
        self.assertAlmostEqual(self.metric("uniform"), math.log2(96), places=4)

    def test_an_inflated_distribution_scores_exactly_as_the_same_distribution_normalised(self):
        honest = self.metric("fixed")
        self.assertAlmostEqual(self.metric("fixed", "1000"), honest, places=5)
        self.assertAlmostEqual(self.metric("fixed", "1e-9"), honest, places=5)

    def test_claiming_every_character_is_certain_scores_as_a_uniform_guess(self):
        self.assertAlmostEqual(self.metric("ones"), self.metric("uniform"), places=5)

    def test_the_harness_rejects_a_line_that_is_not_numbers(self):
        self.assert_rejected("words", "step 0: expected 96 numbers, got 6")

    def test_the_harness_rejects_a_vector_of_the_wrong_length(self):
        self.assert_rejected("short", "expected 96 numbers, got 95")

    def test_the_harness_rejects_nan(self):
        self.assert_rejected("nan", "non-finite value nan")

    def test_the_harness_rejects_infinity(self):
        self.assert_rejected("inf", "non-finite value inf")

    def test_the_harness_rejects_negative_values(self):
        self.assert_rejected("negative", "negative value -0.5")

    def test_the_harness_rejects_an_all_zero_vector(self):
        self.assert_rejected("zeros", "all values are zero")

    def test_the_harness_rejects_an_overlong_line(self):
        self.assert_rejected("long", "line longer than")

    def test_a_metric_line_printed_by_the_predictor_never_reaches_the_harness_output(self):
        self.assert_rejected("metric", "expected 96 numbers, got 2")

    def test_the_harness_rejects_a_predictor_that_dies_midway(self):
        self.assert_rejected("die", "step 100: the predictor closed its output")

    def test_the_harness_rejects_a_predictor_that_never_answers(self):
        self.assert_rejected("silent", "step 0: the predictor closed its output")


if __name__ == "__main__":
    unittest.main()
