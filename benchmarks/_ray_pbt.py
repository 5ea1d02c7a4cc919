"""Ray Tune's PopulationBasedTraining and PB2 on the toy of ``benchmarks/pbt.py``.

``pbt.py`` hands in its step function, so both libraries train the same model with the same
noise: a step draws from ``np.random.default_rng([seed, step, int(accuracy * 1e3)])``. A
member's state (accuracy, step) goes into a Ray checkpoint every ``interval`` steps, the
perturbation interval, as Ray's PBT guide advises: the scheduler looks at a member exactly
at those steps, so a clone resumes from the step its scores were compared at. The
scheduler's clock (``time_attr``) is the toy's step, reported with every result; Ray's own
``training_iteration`` is restored from the cloned checkpoint and equals it (Ray 2.60).

Setup: one local Ray (``ray.init(num_cpus=2, include_dashboard=False)``) for every run, Ray's
default of one CPU per trial (two members train at a time, the scheduler pauses and resumes
them in turn), ``reuse_actors=True`` (Ray's own advice for PBT; without it every resume
starts a worker process, over 20x slower on the toy), Tune's default CSV/JSON/TensorBoard
loggers off (``hs.tune`` writes nothing to disk either) and a temporary storage directory
per run. Seconds are those of the whole ``tuner.fit()``.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

Step = Callable[[float, float, np.random.Generator], float]

# Must be set before Tune builds its callbacks (read at Tuner.fit time; set before import too).
os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
os.environ.setdefault("RAY_DEDUP_LOGS", "0")

_STARTED = False


def missing(method: str) -> str | None:
    """Why ``method`` ('ray-pbt' or 'ray-pb2') cannot run here, or None when it can."""
    try:
        import ray  # noqa: F401
        from ray import tune  # noqa: F401
    except ImportError as exc:
        return f"ray[tune] not installed ({exc}); pip install -e '.[bench]'"
    if method == "ray-pb2":
        try:
            from ray.tune.schedulers.pb2 import PB2

            # Recent Ray fits PB2's GP with scikit-learn, older releases with GPy; either
            # way the constructor says when it is missing.
            PB2(metric="acc", mode="max", hyperparam_bounds={"lr": [0.0, 1.0]})
        except (ImportError, RuntimeError) as exc:
            return f"Ray's PB2 cannot run: {exc}"
    return None


def _start() -> None:
    global _STARTED
    if _STARTED:
        return
    import ray

    logging.getLogger("ray").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"ray(\.|$)")
    # Workers import the toy's modules (pbt.py, this one) by name: put benchmarks/ on their path.
    here = os.path.dirname(os.path.abspath(__file__))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    _STARTED = True


def _trainable(step_fn: Step, steps: int, seed: int, interval: int) -> Callable[[dict], None]:
    from ray import tune

    def train(config: dict[str, Any]) -> None:
        checkpoint = tune.get_checkpoint()
        accuracy, done = 0.0, 0
        if checkpoint is not None:
            with checkpoint.as_directory() as folder:
                state = np.load(os.path.join(folder, "state.npy"))
            accuracy, done = float(state[0]), int(state[1])
        lr = float(config["lr"])
        for step in range(done + 1, steps + 1):
            rng = np.random.default_rng([seed, step, int(accuracy * 1e3)])
            accuracy = step_fn(accuracy, lr, rng)
            metrics = {"acc": accuracy, "step": step}
            if step % interval == 0:
                with tempfile.TemporaryDirectory() as folder:
                    np.save(os.path.join(folder, "state.npy"), np.array([accuracy, step]))
                    tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(folder))
            else:
                tune.report(metrics)

    return train


def run(
    method: str,
    step_fn: Step,
    steps: int,
    population: int,
    seed: int,
    interval: int,
    lr_space: tuple[float, float],
    initial: list[float],
) -> tuple[float, int, float]:
    """(final accuracy of the best member that reached ``steps``, steps trained, seconds).

    ``initial``: the members' first learning rates, those hypersweep's sampler draws for the
    seed, so both libraries start from the same population.
    """
    _start()
    from ray import tune
    from ray.tune.schedulers import PopulationBasedTraining
    from ray.tune.schedulers.pb2 import PB2
    from ray.tune.search.basic_variant import BasicVariantGenerator

    # Ray's explore draws from `random` and numpy's global generator in this process.
    random.seed(seed)
    np.random.seed(seed)
    scheduler: PopulationBasedTraining
    if method == "ray-pbt":
        scheduler = PopulationBasedTraining(
            time_attr="step",
            perturbation_interval=interval,
            hyperparam_mutations={"lr": tune.loguniform(*lr_space)},
        )
    elif method == "ray-pb2":
        scheduler = PB2(
            time_attr="step",
            perturbation_interval=interval,
            hyperparam_bounds={"lr": list(lr_space)},
        )
    else:
        raise ValueError(method)

    class Count(tune.Callback):
        """Every result the driver receives: one trained step."""

        def __init__(self) -> None:
            self.trained = 0
            self.last: dict[str, dict[str, Any]] = {}

        def on_trial_result(
            self, iteration: int, trials: list[Any], trial: Any, result: dict[str, Any], **info: Any
        ) -> None:
            self.trained += 1
            self.last[trial.trial_id] = result

    count = Count()
    storage = tempfile.mkdtemp(prefix="ray-pbt-")
    try:
        tuner = tune.Tuner(
            _trainable(step_fn, steps, seed, interval),
            param_space={"lr": tune.loguniform(*lr_space)},
            tune_config=tune.TuneConfig(
                metric="acc",
                mode="max",
                scheduler=scheduler,
                num_samples=population,
                search_alg=BasicVariantGenerator(
                    points_to_evaluate=[{"lr": lr} for lr in initial], random_state=seed
                ),
                # Ray's advice for PBT (it warns without it): a paused member's actor is
                # handed to the next instead of a new worker process being started.
                reuse_actors=True,
            ),
            run_config=tune.RunConfig(
                name="toy",
                storage_path=storage,
                verbose=0,
                callbacks=[count],
                checkpoint_config=tune.CheckpointConfig(num_to_keep=None),
            ),
        )
        with warnings.catch_warnings():
            # PB2's GP fit (scikit-learn) warns of unconverged kernel parameters all the time.
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            grid = tuner.fit()
            seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(storage, ignore_errors=True)
    if grid.errors:
        raise RuntimeError(f"{method} seed {seed}: {grid.errors[0]}")
    finals = [r["acc"] for r in count.last.values() if r["step"] == steps]
    return (max(finals) if finals else float("nan")), count.trained, seconds
