"""Storage speed: hypersweep vs Optuna on the same databases, in one run.

    python benchmarks/storage.py                 # everything (takes a few minutes)
    python benchmarks/storage.py --only sqlite --trials 300

RandomSampler, 10 float parameters, a cheap objective. Figures: ms/trial for 1,000 trials on
SQLite, PostgreSQL and MySQL/MariaDB (the local servers); trials/s with 4 worker processes
on SQLite and PostgreSQL; and hypersweep's per-trial time at trial 100 vs. trial 10,000 of
one study, with random search (no history read) and with a sampler that reads the whole
history every trial (as model-based samplers do). Journal storage: see storage_journal.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MYSQL = "mysql+pymysql://root@127.0.0.1:3306/test"


def objective(trial: Any) -> float:
    return float(sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(10)))


def run_hypersweep(url: str, n: int) -> float:
    import hypersweep as hs

    study = hs.create_study(
        storage=url,
        study_name=f"bench-{uuid.uuid4().hex[:8]}",
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    start = time.perf_counter()
    study.optimize(objective, n_trials=n)
    return (time.perf_counter() - start) / n * 1e3


def run_optuna(url: str, n: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(
        storage=url,
        study_name=f"bench-{uuid.uuid4().hex[:8]}",
        sampler=optuna.samplers.RandomSampler(seed=0),
    )
    start = time.perf_counter()
    study.optimize(objective, n_trials=n)
    return (time.perf_counter() - start) / n * 1e3


def single_process(name: str, ours: str, theirs: str, n: int) -> None:
    a = run_hypersweep(ours, n)
    b = run_optuna(theirs, n)
    print(
        f"{name:<22} hypersweep {a:8.3f} ms/trial   optuna {b:8.3f} ms/trial   "
        f"ratio {a / b:.3f} (optuna/hypersweep = {b / a:.1f}x)",
        flush=True,
    )


def four_processes(name: str, url_ours: str, url_theirs: str, n: int) -> None:
    results = {}
    for lib, url in (("hypersweep", url_ours), ("optuna", url_theirs)):
        study_name = f"bench4-{uuid.uuid4().hex[:8]}"
        if lib == "hypersweep":
            import hypersweep as hs

            hs.create_study(storage=url, study_name=study_name)
        else:
            import optuna

            optuna.create_study(storage=url, study_name=study_name)
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(HERE / "_storage_worker.py"),
                    lib,
                    url,
                    study_name,
                    str(n // 4),
                ]
            )
            for _ in range(4)
        ]
        for p in procs:
            if p.wait() != 0:
                raise RuntimeError(f"{lib} worker failed")
        results[lib] = n / (time.perf_counter() - start)
    ratio = results["hypersweep"] / results["optuna"]
    print(
        f"{name:<22} hypersweep {results['hypersweep']:8.1f} trials/s  optuna "
        f"{results['optuna']:8.1f} trials/s  ({ratio:.1f}x; wall time incl. process start)",
        flush=True,
    )


def bulk_fill(url: str, study_name: str, n: int) -> None:
    """Add n finished trials directly (fast), keeping the study's counters consistent."""
    import sqlalchemy as sa

    import hypersweep as hs
    from hypersweep.space import FloatDistribution, distribution_to_json
    from hypersweep.storage.sql import schema as t

    storage = hs.storage.get_storage(url)
    study_id = storage.get_study_id_from_name(study_name)
    dist = distribution_to_json(FloatDistribution(-5.0, 5.0))
    now = time.time()
    with storage._engine.begin() as conn:  # type: ignore[attr-defined]
        for start in range(0, n, 5000):
            rows = [
                {
                    "study_id": study_id,
                    "number": i,
                    "state": 1,
                    "values_json": "[1.0]",
                    "datetime_start": now,
                    "datetime_complete": now,
                    "heartbeat": now,
                }
                for i in range(start, min(n, start + 5000))
            ]
            conn.execute(sa.insert(t.trials), rows)
        ids = [
            r.trial_id
            for r in conn.execute(
                sa.select(t.trials.c.trial_id).where(t.trials.c.study_id == study_id)
            )
        ]
        for start in range(0, len(ids), 2000):
            conn.execute(
                sa.insert(t.trial_params),
                [
                    {"trial_id": tid, "name": f"x{j}", "internal": 0.5, "distribution": dist}
                    for tid in ids[start : start + 2000]
                    for j in range(10)
                ],
            )
        conn.execute(
            sa.update(t.studies)
            .where(t.studies.c.study_id == study_id)
            .values(next_number=n, n_started=n)
        )


class HistoryReadingSampler:
    """Random search that also reads the whole history every trial (like TPE or GP)."""

    @staticmethod
    def make() -> Any:
        import hypersweep as hs

        class Reader(hs.samplers.RandomSampler):
            def start_trial(self, history: Any, trial: Any, rng: Any) -> dict[str, Any]:
                assert len(history.trials) >= 0
                return {}

        return Reader(seed=0)


def flat_cost(tmp: str, sizes: tuple[int, ...]) -> None:
    import hypersweep as hs

    for reading in (False, True):
        label = "reads history" if reading else "random"
        figures = []
        for size in sizes:
            url = f"sqlite:///{tmp}/flat-{size}-{reading}.db"
            hs.create_study(storage=url, study_name="flat")
            bulk_fill(url, "flat", size)
            start = time.perf_counter()
            sampler = HistoryReadingSampler.make() if reading else hs.samplers.RandomSampler()
            study = hs.load_study(study_name="flat", storage=url, sampler=sampler)
            n_first = len(study.trials)
            load = time.perf_counter() - start
            start = time.perf_counter()
            study.optimize(objective, n_trials=100)
            per_trial = (time.perf_counter() - start) / 100 * 1e3
            figures.append(f"trial {n_first:>6}: {per_trial:6.3f} ms/trial (load {load:5.2f} s)")
        print(f"SQLite, {label:<14} " + "   ".join(figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument(
        "--only", choices=["sqlite", "postgresql", "mysql", "processes", "flat"], action="append"
    )
    args = parser.parse_args()
    only = set(args.only or ["sqlite", "postgresql", "mysql", "processes", "flat"])
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in only:
            single_process(
                "SQLite file", f"sqlite:///{tmp}/hs.db", f"sqlite:///{tmp}/op.db", args.trials
            )
        if "postgresql" in only:
            single_process("PostgreSQL (local)", POSTGRES, POSTGRES, args.trials)
        if "mysql" in only:
            single_process("MariaDB (local)", MYSQL, MYSQL, args.trials)
        if "processes" in only:
            four_processes(
                "4 processes, SQLite",
                f"sqlite:///{tmp}/hs4.db",
                f"sqlite:///{tmp}/op4.db",
                args.trials,
            )
            four_processes("4 processes, PostgreSQL", POSTGRES, POSTGRES, args.trials)
        if "flat" in only:
            flat_cost(tmp, (100, 10_000, 100_000))


if __name__ == "__main__":
    main()
