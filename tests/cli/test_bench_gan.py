"""``hypersweep bench gan --quick``: the table's shape and that every method produced a result;
the inception score's formula."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from hypersweep.bench._gan_score import inception_score
from hypersweep.bench.gan import METHODS, QUICK, Results, Run
from hypersweep.cli.main import main


def test_inception_score_of_uniform_predictions_is_one() -> None:
    assert inception_score(np.full((1000, 10), 0.1)) == pytest.approx(1.0)


def test_inception_score_of_confident_even_predictions_is_the_class_count() -> None:
    one_hot = np.eye(10)[np.arange(1000) % 10]
    assert inception_score(one_hot) == pytest.approx(10.0)
    # one class only (mode collapse): sharp but not diverse
    assert inception_score(np.eye(10)[np.zeros(100, dtype=int)]) == pytest.approx(1.0)
    # half the classes, evenly: 5
    assert inception_score(np.eye(10)[np.arange(1000) % 5]) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="non-empty"):
        inception_score(np.zeros((0, 10)))


def test_missing_torch_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    assert main(["bench", "gan", "--quick", "--out", "x"]) == 2
    assert "hypersweep[gan]" in capsys.readouterr().err


needs_torch = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("torch", "sklearn", "matplotlib")),
    reason="needs hypersweep[gan] (torch, scikit-learn, matplotlib)",
)

HEADER = [
    "method", "samples", "configurations started (mean)", "best IS (mean ± std)",
    "total steps (mean)", "wall time (s, mean)", "evaluations (mean)", "report's rank",
]  # fmt: skip


SMOKE_BUDGET = 60  # two steps per round: the default suite's smoke test


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("bench-gan")
    argv = ["bench", "gan", "--quick", "--budget", str(SMOKE_BUDGET), "--out", str(out)]
    assert main(argv) == 0
    return out, (out / "gan.md").read_text()


def _rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| method |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


@needs_torch
def test_quick_table_has_every_method_with_a_score(quick_run: tuple[Path, str]) -> None:
    _, text = quick_run
    rows = _rows(text)
    assert rows[0] == HEADER
    body = rows[1:]
    assert [(r[0], int(r[1])) for r in body] == [(m.label, m.samples) for m in METHODS.values()]
    for row in body:
        assert len(row) == len(HEADER)
        assert 1.0 <= float(row[2]) <= int(row[1]), row
        mean, std = (float(v) for v in row[3].split(" ± "))
        assert 1.0 - 1e-6 <= mean <= 10.0 + 1e-6 and std >= 0.0, row
        assert 0 < int(row[4]) <= SMOKE_BUDGET + 10, row  # equal budgets
        assert int(row[6]) >= 1, row
    assert [int(r[7]) for r in body] == [4, 3, 2, 1, 1]  # the report's ordering
    for row in body:
        if row[0] != "ASHA":  # ASHA's budget cap may leave some of its 20 unstarted
            assert float(row[2]) == int(row[1]), row
    assert "Report's ordering: PBT(5) ~ PBT(10) >= ASHA(20) >= BO(10) >= RS(10)." in text
    assert "| PBT(5) ~ PBT(10) (within the larger std) |" in text


@needs_torch
def test_quick_files_and_equal_budgets(quick_run: tuple[Path, str]) -> None:
    out, _ = quick_run
    raw = json.loads((out / "gan.json").read_text())
    assert raw["quick"] is True and raw["seeds"] == [0]
    assert raw["setup"]["samples"] >= 1000
    assert set(raw["runs"]) == set(METHODS)
    for method, runs in raw["runs"].items():
        assert len(runs) == 1
        run = runs[0]
        assert run["points"], method  # every method evaluated something
        assert 1 <= run["configs"] <= METHODS[method].samples, method
        assert all(math.isfinite(p[2]) for p in run["points"])
        if METHODS[method].kind != "pbt":  # PBT may train a clone's steps again
            assert run["steps"] <= SMOKE_BUDGET, method
    for method in ("random", "bo"):
        assert raw["runs"][method][0]["steps"] == SMOKE_BUDGET
    assert (out / "gan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list((out / "cache").glob("digits-classifier-*.pt"))  # cached for the next run
    again = Results.from_json(raw)
    best = max(p[2] for p in raw["runs"]["asha"][0]["points"])
    assert again.runs["asha"][0].best() == pytest.approx(best)


@needs_torch
def test_bad_arguments_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "gan", "--quick", "--methods", "hyperband", "--out", "x"]) == 2
    assert "unknown method 'hyperband'" in capsys.readouterr().err
    assert main(["bench", "gan", "--quick", "--budget", "10", "--out", "x"]) == 2
    assert "below one step per round" in capsys.readouterr().err


def test_curves_are_best_so_far() -> None:
    run = Run([(10.0, 1.0, 2.0), (20.0, 2.0, 1.5), (30.0, 3.0, 4.0)], 3.0, 30, 2)
    assert run.best() == 4.0
    curve = run.curve([5, 10, 25, 30])
    assert math.isnan(curve[0]) and curve[1:] == [2.0, 2.0, 4.0]
    assert run.curve([1.5, 2.5], by_time=True) == [2.0, 2.0]


@needs_torch
@pytest.mark.slow
def test_quick_at_its_default_size(tmp_path: Path) -> None:
    """``--quick`` as documented (120 steps per method): about a minute on 2 cores."""
    assert main(["bench", "gan", "--quick", "--out", str(tmp_path)]) == 0
    rows = _rows((tmp_path / "gan.md").read_text())
    assert rows[0] == HEADER and len(rows) == 1 + len(METHODS)
    assert all(float(r[3].split(" ± ")[0]) >= 1.0 - 1e-6 for r in rows[1:])
    raw = json.loads((tmp_path / "gan.json").read_text())
    assert raw["setup"]["budget"] == QUICK.budget
    assert all(runs[0]["points"] for runs in raw["runs"].values())
