from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.executors.simulated import SimulatedExecutor, Span, now, spend
from hypersweep.testing import check_executor


def test_conformance() -> None:
    check_executor(SimulatedExecutor)


def test_the_worker_with_the_smallest_time_runs_next() -> None:
    sim = SimulatedExecutor()
    events: list[tuple[float, int, str]] = []

    def worker(index: int) -> None:
        for cost in ([3.0, 1.0], [1.0, 1.0, 1.0], [2.5])[index]:
            spend(cost)
            events.append((now(), index, f"after {cost}"))

    sim.run(worker, 3)
    assert [(t, i) for t, i, _ in events] == [
        (1.0, 1),
        (2.0, 1),
        (2.5, 2),
        (3.0, 0),
        (3.0, 1),
        (4.0, 0),
    ]
    assert sim.makespan == 4.0
    assert sim.busy_time == [4.0, 3.0, 2.5]
    assert sim.utilisation == pytest.approx(9.5 / 12)
    assert sim.trace[0] == Span(0, 0.0, 3.0, "busy")


def test_runs_are_deterministic_and_take_no_real_time() -> None:
    def run() -> tuple[list[tuple[int, float]], list[Span]]:
        sim = SimulatedExecutor()

        def objective(trial: hs.Trial) -> float:
            x = trial.suggest_float("x", 0, 1)
            for _ in range(20):
                spend(100.0 * x)  # 2,000 virtual seconds for x = 1
            return x

        study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=5))
        study.optimize(objective, n_trials=40, n_jobs=5, executor=sim)
        return [(t.number, t.params["x"]) for t in study.trials], sim.trace

    first, second = run(), run()
    assert first == second
    workers = {span.worker for span in first[1]}
    assert workers == set(range(5))


def test_idle_waits_for_the_next_event_of_another_worker() -> None:
    sim = SimulatedExecutor()
    seen: list[tuple[int, float, bool]] = []

    def worker(index: int) -> None:
        if index == 0:
            spend(2.0)
            spend(3.0)
            return
        while True:
            woke = sim.idle()
            seen.append((index, now(), woke))
            if not woke:
                return

    sim.run(worker, 2)
    assert seen == [(1, 2.0, True), (1, 5.0, True), (1, 5.0, False)]
    assert sim.idle_time == [0.0, 5.0]
    assert [s.kind for s in sim.trace if s.worker == 1] == ["idle", "idle"]
    assert sim.utilisation == pytest.approx(5.0 / 10.0)


def test_errors_reach_the_caller_after_every_worker_finished() -> None:
    sim = SimulatedExecutor()
    finished: list[int] = []

    def worker(index: int) -> None:
        spend(1.0 + index)
        if index == 1:
            raise KeyError("boom")
        spend(5.0)
        finished.append(index)

    with pytest.raises(KeyError, match="boom"):
        sim.run(worker, 3)
    assert sorted(finished) == [0, 2]


def test_outside_a_simulated_worker() -> None:
    spend(1.0)  # no-op: the same objective runs for real
    assert now() == 0.0
    sim = SimulatedExecutor()
    with pytest.raises(RuntimeError, match="from a worker"):
        sim.sleep(1.0)
    with pytest.raises(RuntimeError, match="from a worker"):
        sim.idle()


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_durations(bad: float) -> None:
    sim = SimulatedExecutor()
    with pytest.raises(ValueError, match="finite number >= 0"):
        sim.run(lambda index: sim.sleep(bad), 1)
    with pytest.raises(TypeError, match="number"):
        sim.run(lambda index: sim.sleep("1"), 1)  # type: ignore[arg-type]


def test_cannot_nest_runs() -> None:
    outer, inner = SimulatedExecutor(), SimulatedExecutor()
    with pytest.raises(RuntimeError, match="inside a simulated worker"):
        outer.run(lambda index: inner.run(print, 1), 1)


def test_each_run_starts_at_zero() -> None:
    sim = SimulatedExecutor()
    sim.run(lambda index: spend(7.0), 2)
    assert (sim.makespan, sim.n_workers) == (7.0, 2)
    sim.run(lambda index: spend(1.0), 1)
    assert (sim.makespan, sim.n_workers, len(sim.trace)) == (1.0, 1, 1)


def test_many_events_are_cheap() -> None:
    sim = SimulatedExecutor()
    sim.run(lambda index: [spend(0.5) for _ in range(2000)] and None, 4)
    assert sim.makespan == 1000.0 and sim.utilisation == 1.0
