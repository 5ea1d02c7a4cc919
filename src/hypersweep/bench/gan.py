"""The DCGAN comparison of the W&B report "Modern Scalable Hyperparameter Tuning Methods",
rerun with hypersweep: random search (10 samples), BO (10), ASHA (20) and PBT (5 and 10)
tune a DCGAN's two learning rates at **equal total training steps**, scored by an MNIST
"inception score" (see :mod:`hypersweep.bench._gan_nets` for the data, model and classifier).

The budget ``B`` (training steps per method and seed) is cut into rounds of ``B / (10 T)``
steps, ``T`` rounds being one random-search trial:

* ``random`` / ``bo``: 10 trials of ``T`` rounds (``B / 10`` steps) each, scored once at the
  end; BO is hypersweep's :class:`~hypersweep.samplers.GPSampler` (2 random start-up trials).
* ``asha``: 20 trials, :class:`~hypersweep.schedulers.ASHAScheduler` with rungs at 1, 3, 9...
  rounds up to ``2 T`` (eta 3), scored at each rung; the run stops when the next round
  would pass ``B``.
* ``pbt-5`` / ``pbt-10``: :class:`~hypersweep.schedulers.PBTScheduler`, each member trains
  ``10 T / P`` rounds, scored and perturbed every round (exploit/explore on both rates).

A method's result is the best inception score any of its evaluations reached, with the steps
and seconds spent when it was reached (the curves) and in all.

>>> from hypersweep.bench.gan import METHODS, FULL, QUICK
>>> list(METHODS)
['random', 'bo', 'asha', 'pbt-5', 'pbt-10']
>>> FULL.round_steps, FULL.budget, QUICK.round_steps
(30, 1800, 4)
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .._internal.exceptions import TrialPruned
from ..samplers import GPSampler, RandomSampler, Sampler
from ..schedulers import ASHAScheduler, PBTScheduler, Scheduler
from ..space.distributions import FloatDistribution
from ..study import create_study
from ._methods import startup_trials

__all__ = ["FULL", "METHODS", "QUICK", "Results", "Setup", "markdown", "plot", "run_benchmark"]

LR_LOW, LR_HIGH = 1e-5, 1e-2  # both learning rates, log scale
NOISE_SEED = 20_201  # the scoring noise: one fixed set for every method and seed
CLASSIFIER_SEED = 0  # one scoring classifier for every method and seed


@dataclass(frozen=True)
class Setup:
    """The size of a run: ``budget`` training steps per method and seed, ``rounds`` rounds
    per random-search trial, the DCGAN's ``width`` (feature maps), the scoring sample count
    and the classifier's epochs."""

    budget: int = 1800
    rounds: int = 6
    width: int = 16
    batch: int = 64
    samples: int = 1000
    classifier_epochs: int = 15
    device: str = "cpu"

    @property
    def round_steps(self) -> int:
        return self.budget // (10 * self.rounds)

    def check(self) -> None:
        if self.round_steps < 1:
            raise ValueError(
                f"budget {self.budget} is below one step per round ({10 * self.rounds} rounds)."
            )
        if self.samples < 1000:
            raise ValueError(f"samples must be >= 1000, got {self.samples}.")


FULL = Setup()
QUICK = Setup(budget=120, rounds=3, width=8, classifier_epochs=5)


@dataclass
class Run:
    """One method's run: ``(steps so far, seconds so far, inception score)`` per evaluation."""

    points: list[tuple[float, float, float]] = field(default_factory=list)
    seconds: float = 0.0
    steps: int = 0
    configs: int = 0  # configurations started (ASHA's cap may leave some of its 20 unstarted)

    def best(self) -> float:
        return max((v for _, _, v in self.points), default=math.nan)

    def curve(self, xs: Sequence[float], by_time: bool = False) -> list[float]:
        """Best score so far at each x (steps, or seconds with ``by_time``); NaN before
        the first evaluation."""
        out = []
        for x in xs:
            seen = [v for s, t, v in self.points if (t if by_time else s) <= x + 1e-9]
            out.append(max(seen) if seen else math.nan)
        return out


@dataclass(frozen=True)
class MethodSpec:
    label: str  # the report's name
    samples: int  # configurations (population for PBT)
    kind: str  # "sampled", "asha" or "pbt"


METHODS: dict[str, MethodSpec] = {
    "random": MethodSpec("RS", 10, "sampled"),
    "bo": MethodSpec("BO", 10, "sampled"),
    "asha": MethodSpec("ASHA", 20, "asha"),
    "pbt-5": MethodSpec("PBT", 5, "pbt"),
    "pbt-10": MethodSpec("PBT", 10, "pbt"),
}
# The report's ordering, best first; a tuple holds methods it found about equal.
REPORT_ORDER: list[tuple[str, ...]] = [("pbt-5", "pbt-10"), ("asha",), ("bo",), ("random",)]


def _sampler(method: str, seed: int) -> Sampler:
    if method == "bo":
        return GPSampler(
            seed=seed, n_startup_trials=startup_trials(10), warn_independent_sampling=False
        )
    return RandomSampler(seed=seed)


class _Context:
    """What every trial of one method run shares: data, scorer, budget bookkeeping."""

    def __init__(self, setup: Setup, seed: int, data: Any, noise: Any, scorer: Any) -> None:
        self.setup, self.seed, self.data, self.noise, self.scorer = (
            setup,
            seed,
            data,
            noise,
            scorer,
        )
        self.run = Run()
        self.start = time.perf_counter()

    def gan(self, number: int) -> Any:
        from ._gan_nets import Gan

        return Gan(self.setup.width, self.seed * 10_000 + number, self.setup.device)

    def train(self, gan: Any, number: int) -> None:
        gan.train(self.data, self.setup.round_steps, self.seed * 10_000 + number)
        self.run.steps += self.setup.round_steps

    def score(self, gan: Any) -> float:
        value = float(self.scorer.score(gan.samples(self.noise)))
        if not math.isfinite(value):
            value = 1.0
        self.run.points.append((self.run.steps, time.perf_counter() - self.start, value))
        return value


def _objective(ctx: _Context, method: str) -> Callable[[Any], float]:
    spec = METHODS[method]
    setup = ctx.setup
    t = setup.rounds
    if spec.kind == "sampled":
        total, scored = t, {t}
    elif spec.kind == "asha":
        total = 2 * t
        scored = {r for r in _asha(setup).milestones if r <= total} | {total}
    else:
        total = 10 * t // spec.samples
        scored = set(range(1, total + 1))

    def objective(trial: Any) -> float:
        lr_g = trial.suggest_float("lr_g", LR_LOW, LR_HIGH, log=True)
        lr_d = trial.suggest_float("lr_d", LR_LOW, LR_HIGH, log=True)
        gan = ctx.gan(trial.number)
        state = trial.load_checkpoint()
        if state is not None:
            gan.load(state)
        elif trial.resume_step is None:
            ctx.run.configs += 1
        gan.set_lrs(lr_g, lr_d)
        value = math.nan
        for r in range((trial.resume_step or 0) + 1, total + 1):
            if spec.kind == "asha" and ctx.run.steps + setup.round_steps > setup.budget:
                trial.study.stop()
                raise TrialPruned("out of budget")
            ctx.train(gan, trial.number)
            if r not in scored:
                continue
            value = ctx.score(gan)
            trial.report(value, r)
            if r == total:
                break  # the end: nothing left to pause or prune
            if spec.kind == "pbt":
                trial.save_checkpoint(gan.state())
            if trial.should_prune():
                raise TrialPruned()
        return value

    return objective


def _asha(setup: Setup) -> ASHAScheduler:
    return ASHAScheduler(1, 2 * setup.rounds, 3)


def _scheduler(method: str, setup: Setup, seed: int) -> Scheduler | None:
    kind = METHODS[method].kind
    if kind == "asha":
        return _asha(setup)
    if kind == "pbt":
        space = FloatDistribution(LR_LOW, LR_HIGH, log=True)
        return PBTScheduler(
            perturbation_interval=1,
            hyperparam_mutations={"lr_g": space, "lr_d": space},
            seed=seed,
        )
    return None


def run_method(method: str, setup: Setup, seed: int, data: Any, noise: Any, scorer: Any) -> Run:
    """One HPO run of ``method``; the study lives in memory."""
    from .. import logging as hs_logging

    hs_logging.set_verbosity(hs_logging.WARNING)
    ctx = _Context(setup, seed, data, noise, scorer)
    study = create_study(
        sampler=_sampler(method, seed),
        scheduler=_scheduler(method, setup, seed),
        direction="maximize",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(_objective(ctx, method), n_trials=METHODS[method].samples)
    ctx.run.seconds = time.perf_counter() - ctx.start
    return ctx.run


@dataclass
class Results:
    """Runs by method and seed, the setup and the scoring classifier's figures."""

    setup: Setup
    seeds: list[int]
    quick: bool
    classifier: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, list[Run]] = field(default_factory=dict)
    machine: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "setup": asdict(self.setup),
            "seeds": self.seeds,
            "quick": self.quick,
            "classifier": self.classifier,
            "machine": self.machine,
            "runs": {
                m: [
                    {
                        "points": r.points,
                        "seconds": r.seconds,
                        "steps": r.steps,
                        "configs": r.configs,
                    }
                    for r in rs
                ]
                for m, rs in self.runs.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Results:
        """The inverse of :meth:`to_json` (to redraw the table and plot of saved runs)."""
        runs = {
            m: [
                Run(
                    [(float(a), float(b), float(c)) for a, b, c in r["points"]],
                    r["seconds"],
                    r["steps"],
                    r.get("configs", 0),
                )
                for r in rs
            ]
            for m, rs in data["runs"].items()
        }
        return cls(
            Setup(**data["setup"]),
            data["seeds"],
            data["quick"],
            data["classifier"],
            runs,
            data.get("machine", ""),
        )


def _machine(device: str) -> str:
    import os
    import platform

    from ._gan_nets import torch

    t = torch()
    if device.startswith("cuda"):
        where = t.cuda.get_device_name(0)
    else:
        where = f"{os.cpu_count()} CPU cores, torch threads {t.get_num_threads()}"
    return f"{platform.machine()}, {where}, torch {t.__version__}"


def run_benchmark(
    methods: Sequence[str],
    seeds: Sequence[int],
    setup: Setup = FULL,
    *,
    quick: bool = False,
    cache: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Results:
    """Run every (method, seed) one after the other (they share the machine's cores)."""
    for name in methods:
        if name not in METHODS:
            raise ValueError(f"unknown method {name!r}; choose from {', '.join(METHODS)}.")
    if not seeds:
        raise ValueError("seeds must not be empty.")
    setup.check()
    from . import _gan_nets as nets

    t = nets.torch()
    if setup.device.startswith("cuda") and not t.cuda.is_available():
        raise ValueError("--device cuda was asked for, but torch sees no CUDA device.")
    say = progress or (lambda line: None)
    scorer, cached, seconds = nets.classifier(
        cache or Path(".hypersweep-cache"),
        CLASSIFIER_SEED,
        setup.device,
        setup.classifier_epochs,
    )
    say(
        f"scoring classifier: held-out accuracy {scorer.accuracy:.3f}, real digits' IS "
        f"{scorer.real_is:.2f} ({'cached' if cached else f'trained in {seconds:.0f} s'})"
    )
    data, _ = nets.digits(setup.device)
    noise = nets.fixed_noise(setup.samples, NOISE_SEED, setup.device)
    results = Results(setup, list(seeds), quick, machine=_machine(setup.device))
    results.classifier = {
        "accuracy": scorer.accuracy,
        "real_is": scorer.real_is,
        "epochs": setup.classifier_epochs,
        "seed": CLASSIFIER_SEED,
    }
    for method in methods:
        results.runs[method] = []
        for seed in seeds:
            run = run_method(method, setup, seed, data, noise, scorer)
            results.runs[method].append(run)
            say(
                f"{method} seed {seed}: best IS {run.best():.2f}, {run.steps} steps, "
                f"{run.configs} configurations, {len(run.points)} evaluations, "
                f"{run.seconds:.0f} s"
            )
    return results


def _stats(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan, math.nan
    return statistics.fmean(finite), statistics.pstdev(finite) if len(finite) > 1 else 0.0


def _mean_or_nan(values: Sequence[float]) -> float:
    """The mean, or NaN while some seed has no evaluation yet."""
    return math.nan if any(math.isnan(v) for v in values) else statistics.fmean(values)


def _label(method: str) -> str:
    spec = METHODS[method]
    return f"{spec.label}({spec.samples})"


def _report_rank(method: str) -> int:
    return next(i for i, group in enumerate(REPORT_ORDER) if method in group) + 1


def ordering(results: Results) -> list[tuple[str, float, float]]:
    """Our methods by mean best IS, best first: (method, mean, std)."""
    rows = [(m, *_stats([r.best() for r in rs])) for m, rs in results.runs.items()]
    return sorted(rows, key=lambda row: -row[1] if not math.isnan(row[1]) else math.inf)


def _chain(rows: Sequence[tuple[str, float, float]]) -> str:
    """``A 5.1 >= B 4.2 ~ C 4.1``: ``~`` where two neighbours' means differ by less than
    the larger of their stds."""
    parts = []
    for i, (m, mean, std) in enumerate(rows):
        if i:
            prev_mean, prev_std = rows[i - 1][1], rows[i - 1][2]
            close = abs(prev_mean - mean) < max(std, prev_std)
            parts.append("~" if close else ">=")
        parts.append(f"{_label(m)} {mean:.2f}")
    return " ".join(parts)


def _agreement(results: Results) -> list[str]:
    """Each step of the report's chain, held or not by our means."""
    means = {m: _stats([r.best() for r in rs])[0] for m, rs in results.runs.items()}
    groups = [[m for m in g if m in means] for g in REPORT_ORDER]
    groups = [g for g in groups if g]
    lines = []
    for upper, lower in itertools.pairwise(groups):
        top = max(means[m] for m in upper)
        bottom = max(means[m] for m in lower)
        held = "yes" if top >= bottom else "no"
        a = " / ".join(_label(m) for m in upper)
        b = " / ".join(_label(m) for m in lower)
        lines.append(f"| {a} >= {b} | {top:.2f} vs {bottom:.2f} | {held} |")
    pbts = [m for m in ("pbt-5", "pbt-10") if m in means]
    if len(pbts) == 2:
        (a, ma, sa), (b, mb, sb) = ((m, *_stats([r.best() for r in results.runs[m]])) for m in pbts)
        close = "yes" if abs(ma - mb) <= max(sa, sb) else "no"
        lines.append(
            f"| PBT(5) ~ PBT(10) (within the larger std) | {ma:.2f} vs {mb:.2f} | {close} |"
        )
    return lines


def markdown(results: Results) -> str:
    """The table beside the report's ordering, then the ordering check."""
    s = results.setup
    kind = "quick (CI smoke test; numbers not comparable)" if results.quick else "full"
    lines = [
        "# DCGAN on digits: RS / BO / ASHA / PBT at equal training steps",
        "",
        f"Run: {kind}; {len(results.seeds)} seed(s) {results.seeds}; budget {s.budget} "
        f"training steps (batch {s.batch}) per method and seed, rounds of {s.round_steps} "
        f"steps; DCGAN width {s.width}; device {s.device} ({results.machine}).",
        f"Score: inception score of {s.samples} samples from one fixed noise set, by a CNN "
        f"with held-out accuracy {results.classifier.get('accuracy', math.nan):.3f} "
        f"(real held-out digits score {results.classifier.get('real_is', math.nan):.2f}).",
        "",
        "| method | samples | configurations started (mean) | best IS (mean ± std) "
        "| total steps (mean) | wall time (s, mean) | evaluations (mean) | report's rank |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for method, runs in results.runs.items():
        mean, std = _stats([r.best() for r in runs])
        steps = statistics.fmean(r.steps for r in runs)
        secs = statistics.fmean(r.seconds for r in runs)
        evals = statistics.fmean(len(r.points) for r in runs)
        configs = statistics.fmean(r.configs for r in runs)
        spec = METHODS[method]
        lines.append(
            f"| {spec.label} | {spec.samples} | {configs:.1f} | {mean:.2f} ± {std:.2f} "
            f"| {steps:.0f} | {secs:.0f} | {evals:.0f} | {_report_rank(method)} |"
        )
    lines += [
        "",
        "Report's ordering: PBT(5) ~ PBT(10) >= ASHA(20) >= BO(10) >= RS(10).",
        "",
        f"Ours (mean best IS): {_chain(ordering(results))}.",
        "",
        "| report's step | ours (best of each side) | holds |",
        "|---|---|---|",
        *_agreement(results),
    ]
    return "\n".join(lines)


def plot(results: Results, path: Path) -> None:
    """Best IS so far (mean over seeds) against training steps and against wall time."""
    from .._internal.optional import import_optional

    matplotlib = import_optional("matplotlib", "gan", "hypersweep bench gan's plot")
    matplotlib.use("Agg")
    plt = import_optional("matplotlib.pyplot", "gan", "hypersweep bench gan's plot")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    budget = max([results.setup.budget, *(r.steps for rs in results.runs.values() for r in rs)])
    steps = [budget * i / 200 for i in range(201)]
    longest = max((r.seconds for rs in results.runs.values() for r in rs), default=1.0)
    seconds = [longest * i / 200 for i in range(201)]
    colors = plt.get_cmap("tab10").colors
    for i, (method, runs) in enumerate(results.runs.items()):
        for ax, xs, by_time in ((axes[0], steps, False), (axes[1], seconds, True)):
            curves = [r.curve(xs, by_time) for r in runs]
            mean = [_mean_or_nan([c[j] for c in curves]) for j in range(len(xs))]
            ax.plot(xs, mean, color=colors[i % 10], label=_label(method))
    real = results.classifier.get("real_is")
    for ax in axes:
        if real:
            ax.axhline(real, color="grey", linestyle=":", linewidth=0.8, label="real digits")
        ax.set_ylabel("best inception score so far (mean over seeds)")
    axes[0].set_xlabel("training steps (all trials of the method)")
    axes[1].set_xlabel(f"wall time (s, {results.setup.device})")
    axes[0].legend(fontsize=7)
    fig.suptitle(
        f"DCGAN on digits, budget {results.setup.budget} steps, {len(results.seeds)} seed(s)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: Results, out: Path) -> list[Path]:
    """Write the table (markdown), the raw runs (JSON) and the plot (PNG) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "gan.md", out / "gan.json", out / "gan.png"]
    paths[0].write_text(markdown(results) + "\n")
    paths[1].write_text(json.dumps(results.to_json(), indent=1))
    plot(results, paths[2])
    return paths


def sized(quick: bool, **overrides: Any) -> Setup:
    """The setup of a run: QUICK or FULL with the given fields replaced (None: kept)."""
    base = QUICK if quick else FULL
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})
