"""Every renderer draws in both backends (matplotlib with the Agg backend)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import hypersweep as hs

from .studies import asha_study, mixed_study, mo_study, pbt_study, study_with_failures

pytest.importorskip("plotly")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SINGLE: list[tuple[str, Callable[[Any, hs.Study], Any]]] = [
    ("history", lambda m, s: m.plot_optimization_history(s)),
    ("intermediate", lambda m, s: m.plot_intermediate_values(s)),
    ("parallel", lambda m, s: m.plot_parallel_coordinate(s)),
    ("contour", lambda m, s: m.plot_contour(s)),
    ("contour2", lambda m, s: m.plot_contour(s, params=["x", "lr"])),
    ("slice", lambda m, s: m.plot_slice(s)),
    ("importances", lambda m, s: m.plot_param_importances(s)),
    ("edf", lambda m, s: m.plot_edf(s)),
    ("rank", lambda m, s: m.plot_rank(s)),
    ("rank1", lambda m, s: m.plot_rank(s, params=["x"])),
    ("timeline", lambda m, s: m.plot_timeline(s)),
    ("rungs", lambda m, s: m.plot_rungs(s)),
    ("curves", lambda m, s: m.plot_learning_curves(s)),
    ("tree", lambda m, s: m.plot_lineage_tree(s)),
    ("proposers", lambda m, s: m.plot_proposers(s)),
]


@pytest.fixture(autouse=True)
def validate_plotly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures skip plotly's validation for speed; here every one is validated."""
    from hypersweep.visualization._plotly import _base

    monkeypatch.setattr(_base, "VALIDATE", True)


@pytest.fixture(scope="module")
def studies() -> dict[str, hs.Study]:
    return {
        "mixed": mixed_study(),
        "failures": study_with_failures(),
        "empty": hs.create_study(),
        "asha": asha_study(),
        "pbt": pbt_study(),
    }


@pytest.fixture(params=["plotly", "matplotlib"])
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "plotly":
        yield hs.visualization
        return
    yield hs.visualization.matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("name,plot", SINGLE, ids=[n for n, _ in SINGLE])
def test_single_objective_plots(
    backend: Any, studies: dict[str, hs.Study], name: str, plot: Callable[[Any, hs.Study], Any]
) -> None:
    for key, study in studies.items():
        if name in ("contour2",) and key != "mixed":
            continue
        if name == "rank1" and key not in ("mixed", "failures"):
            continue
        assert plot(backend, study) is not None


def test_plotly_figure_content(studies: dict[str, hs.Study]) -> None:
    fig = hs.visualization.plot_optimization_history(studies["mixed"])
    assert fig.layout.title.text == "Optimization History Plot"
    assert [t.name for t in fig.data] == ["Objective Value", "Best Value"]
    fig = hs.visualization.plot_slice(studies["mixed"])
    assert fig.layout.xaxis2.type == "log" or any(
        getattr(fig.layout, f"xaxis{i}").type == "log" for i in ("", 2, 3, 4, 5) if i != ""
    )


def test_several_studies(backend: Any, studies: dict[str, hs.Study]) -> None:
    pair = [studies["mixed"], mixed_study(seed=7)]
    assert backend.plot_optimization_history(pair, error_bar=True) is not None
    assert backend.plot_optimization_history(pair) is not None
    assert backend.plot_edf(pair) is not None


@pytest.mark.parametrize("n", [2, 3])
def test_multi_objective_plots(backend: Any, n: int) -> None:
    study = mo_study(n)
    assert backend.plot_pareto_front(study) is not None
    assert backend.plot_pareto_front(study, include_dominated_trials=False) is not None
    assert backend.plot_hypervolume_history(study, [2.0] * n) is not None
    assert backend.plot_param_importances(study) is not None
    assert backend.plot_optimization_history(study, target=lambda t: t.values[0]) is not None


def test_many_lines_are_aggregated() -> None:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(3):
            trial.report(x + step, step)
        return x

    study.optimize(objective, n_trials=600)
    fig = hs.visualization.plot_intermediate_values(study)
    assert len(fig.data) == 2  # one trace of all lines (with gaps) + the median per step
    assert fig.data[-1].name == "Median per step"


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    for mod in [m for m in sys.modules if m == "plotly" or m.startswith(("plotly.", "matplotlib"))]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "plotly", None)  # makes `import plotly` fail
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"hypersweep\[plot\]"):
        hs.visualization.plot_edf(hs.create_study())
    with pytest.raises(ImportError, match=r"hypersweep\[plot\]"):
        hs.visualization.matplotlib.plot_edf(hs.create_study())


def test_import_hypersweep_does_not_import_plotting_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hypersweep as hs; hs.visualization; hs.importance; "
        "print('plotly' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name,plot", SINGLE, ids=[n for n, _ in SINGLE])
def test_unvalidated_figures_equal_validated_ones(
    monkeypatch: pytest.MonkeyPatch, name: str, plot: Callable[[Any, hs.Study], Any]
) -> None:
    import json

    from hypersweep.visualization._plotly import _base

    study = mixed_study()
    fast = plot(hs.visualization, study)  # validated (the autouse fixture)
    monkeypatch.setattr(_base, "VALIDATE", False)
    slow = plot(hs.visualization, study)

    def validated(fig: Any) -> Any:  # plotly normalises some values (colour scales)
        return json.loads(_base.go().Figure(fig.to_dict()).to_json())

    assert json.loads(fast.to_json()) == validated(slow)
    mo = mo_study()
    fig = hs.visualization.plot_hypervolume_history(mo, [2.0, 2.0])
    monkeypatch.setattr(_base, "VALIDATE", True)
    assert validated(fig) == json.loads(
        hs.visualization.plot_hypervolume_history(mo, [2.0, 2.0]).to_json()
    )


def test_proposers_figure() -> None:
    sampler = hs.samplers.RandomFractionSampler(hs.samplers.RandomSampler(seed=0), 0.5)
    study = hs.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
    fig = hs.visualization.plot_proposers(study)
    n_random = sum(sampler.is_random(n) for n in range(20))
    names = sorted(t.name for t in fig.data)
    assert names == sorted(
        [f"RandomSampler ({20 - n_random})", f"random (RandomFractionSampler) ({n_random})"]
    )
    assert sum(len(t.x) for t in fig.data) == 20
