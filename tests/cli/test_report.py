"""``hypersweep report``: one self-contained HTML file with the expected sections."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.cli.main import main

from ..conftest import IN_CI

pytest.importorskip("plotly")


def _objective(trial: hs.Trial) -> float:
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    gamma = trial.suggest_float("gamma", 1e-4, 1, log=True)
    for step in range(1, 4):
        trial.report(abs(c - 1) / step + gamma, step)
    return abs(c - 1) + gamma


def test_report_of_a_stored_study(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hpo.db'}"
    study = hs.create_study(
        study_name="svm", storage=url, sampler=hs.samplers.RandomSampler(seed=0)
    )
    study.optimize(_objective, n_trials=20)
    out = tmp_path / "report.html"
    assert main(["report", "--study", "svm", "--storage", url, "-o", str(out)]) == 0
    html = out.read_text()
    for section in (
        "summary",
        "best",
        "history",
        "importances",
        "slice",
        "parallel",
        "contour",
        "intermediate",
        "edf",
        "timeline",
    ):
        assert f'id="{section}"' in html, section
    assert "Not drawn" not in html
    assert not re.search(r"<script[^>]*\ssrc=", html)  # plotly.js inline: works offline
    assert "plotly.js v" in html or "Plotly" in html


def test_report_of_a_paused_study(tmp_path: Path) -> None:
    from hypersweep.visualization.report import build_report

    from ..visualization.studies import asha_study

    html = build_report(asha_study())
    for section in ("rungs", "learning-curves", "intermediate"):
        assert f'id="{section}"' in html, section


def test_report_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'hpo.db'}"
    hs.create_study(study_name="x", storage=url)
    assert main(["report", "--study", "nope", "--storage", url, "-o", str(tmp_path / "r")]) == 2
    assert "error" in capsys.readouterr().err


# -- the demo's study and a HyperBand study: sections (make test) and a browser's PNG (slow) --
DEMO_SECTIONS = (
    "summary",
    "best",
    "history",
    "importances",
    "slice",
    "parallel",
    "contour",
    "proposers",  # TPE's random start-up, then TPE
    "edf",
    "timeline",
)
HYPERBAND_SECTIONS = ("summary", "best", "history", "importances", "intermediate", "rungs")


def _demo_report(tmp_path: Path, n_trials: int) -> Path:
    """``hypersweep demo`` (an SVM on digits, TPE) into SQLite, then ``hypersweep report``."""
    pytest.importorskip("sklearn")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--storage", url, "--n-trials", str(n_trials), "--study", "svm"]) == 0
    out = tmp_path / "demo.html"
    assert main(["report", "--study", "svm", "--storage", url, "-o", str(out)]) == 0
    return out


def _hyperband_report(tmp_path: Path) -> Path:
    from hypersweep.visualization.report import write_report

    study = hs.create_study(
        study_name="hyperband",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=hs.schedulers.HyperBandScheduler(1, 27, 3),
    )

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", -2, 2)
        lr = trial.suggest_float("lr", 1e-4, 1, log=True)
        value = 0.0
        for step in range(1, 28):
            value = x**2 + abs(lr - 0.01) + 1.0 / step
            trial.report(value, step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return value

    study.optimize(objective, n_trials=60)
    return write_report(study, tmp_path / "hyperband.html")


def _sections(path: Path) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', path.read_text(encoding="utf-8"))


def test_demo_report_has_its_sections(tmp_path: Path) -> None:
    got = _sections(_demo_report(tmp_path, n_trials=12))
    assert set(DEMO_SECTIONS) <= set(got), sorted(set(DEMO_SECTIONS) - set(got))
    assert "Not drawn" not in (tmp_path / "demo.html").read_text(encoding="utf-8")


def test_hyperband_report_has_its_sections(tmp_path: Path) -> None:
    path = _hyperband_report(tmp_path)
    got = _sections(path)
    assert set(HYPERBAND_SECTIONS) <= set(got), sorted(set(HYPERBAND_SECTIONS) - set(got))
    assert "Not drawn" not in path.read_text(encoding="utf-8")


def _chromium() -> str:
    """Debian's ``chromium`` (or Chrome): skipped without one, failed under CI=true."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    message = (
        "no chromium executable on PATH (Debian: `apt-get install chromium`, "
        "or `make browser` as root)"
    )
    if IN_CI:
        pytest.fail(message + "; CI must have it")
    pytest.skip(message)


def _screenshot(html: Path, png: Path) -> None:
    """Render ``html`` to ``png`` as docs/plots.md says (the page's scripts included)."""
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--virtual-time-budget=10000",  # let plotly.js draw before the shot
        f"--screenshot={png}",
        "--window-size=1400,4000",
        html.resolve().as_uri(),
    ]
    env = {**os.environ, "HOME": str(png.parent)}  # chromium writes its profile there
    subprocess.run(cmd, check=True, capture_output=True, timeout=180, env=env)


def _assert_drawn(png: Path) -> None:
    assert png.exists(), png
    assert png.stat().st_size > 50_000, png.stat().st_size  # a blank page is ~10 kB
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        assert rgb.size == (1400, 4000)
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, "the page is (almost) one colour"


@pytest.mark.slow
@pytest.mark.parametrize("which", ["demo", "hyperband"])
def test_report_renders_in_a_headless_browser(tmp_path: Path, which: str) -> None:
    _chromium()  # skip (or fail under CI) before the study runs
    html = _demo_report(tmp_path, n_trials=30) if which == "demo" else _hyperband_report(tmp_path)
    png = tmp_path / f"{which}.png"
    _screenshot(html, png)
    _assert_drawn(png)
