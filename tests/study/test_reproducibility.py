from __future__ import annotations

import json
import os
import subprocess
import sys

import hypersweep as hs
from hypersweep.testing import conditional_objective

SCRIPT = """
import json, sys
import hypersweep as hs
from hypersweep.testing import conditional_objective
sampler = {"random": hs.samplers.RandomSampler(seed=11),
           "qmc": hs.samplers.QMCSampler(seed=11, warn_independent_sampling=False),
           "grid": hs.samplers.GridSampler({"kernel": ["linear", "rbf", "poly"],
                                            "C": [0.1, 1.0, 10.0], "gamma": [0.1],
                                            "degree": [2, 3]}, seed=11)}[sys.argv[1]]
study = hs.create_study(sampler=sampler)
study.optimize(conditional_objective, n_trials=15)
print(json.dumps([t.params for t in study.trials]))
"""


def _run_fresh(kind: str, hash_seed: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if hash_seed:
        env["PYTHONHASHSEED"] = hash_seed
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, kind], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_same_seed_same_trials_in_fresh_processes() -> None:
    for kind in ("random", "qmc", "grid"):
        first = _run_fresh(kind, "")
        assert first == _run_fresh(kind, "123"), kind
        assert len(first) == 15 or kind == "grid"


def test_in_process_matches_fresh_process() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=11))
    study.optimize(conditional_objective, n_trials=15)
    assert [t.params for t in study.trials] == _run_fresh("random", "")
