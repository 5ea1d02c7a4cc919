"""The lineage record: continuations, clones (another trial's checkpoint, changed params)."""

from __future__ import annotations

import pytest

import hypersweep as hs
from hypersweep.space import FloatDistribution
from hypersweep.trial import FrozenTrial, History, LineageInfo, Promotion, TrialState, keys
from hypersweep.trial.lineage import (
    LineageStatus,
    LineageTable,
    checkpoint_source,
    continuation_template,
)

DIST = {"lr": FloatDistribution(1e-4, 1.0, log=True)}


def _paused(number: int, lr: float, reports: dict[int, float], **attrs: object) -> FrozenTrial:
    return FrozenTrial(
        number=number,
        state=TrialState.PRUNED,
        params={"lr": lr},
        distributions=DIST,
        system_attrs={keys.PAUSED_AT: max(reports), keys.CHECKPOINT_STEP: max(reports), **attrs},
        intermediate_values=reports,
    )


def test_a_plain_continuation_keeps_the_lineage_and_loads_its_own_checkpoint() -> None:
    paused = _paused(3, 0.1, {1: 0.5, 2: 0.4, 3: 0.3}, **{keys.CHECKPOINT_STEP: 2})
    record = continuation_template(paused, Promotion(3, 3))
    info = LineageInfo.of(record)
    assert (info.resume_from, info.resume_step, info.checkpoint_of, info.parent) == (3, 2, 3, None)
    assert record.system_attrs[keys.LINEAGE] == 3
    assert record.params == {"lr": 0.1}
    assert record.intermediate_values == {1: 0.5, 2: 0.4}  # up to the checkpoint's step


def test_a_continuation_of_a_continuation_keeps_the_root() -> None:
    again = _paused(7, 0.1, {4: 0.2}, **{keys.LINEAGE: 3, keys.RESUME_FROM: 3})
    assert continuation_template(again).system_attrs[keys.LINEAGE] == 3


def test_a_clone_loads_another_trials_checkpoint_with_changed_params_and_starts_a_lineage() -> None:
    weak = _paused(4, 0.5, {1: 0.9, 2: 0.8})
    strong = _paused(2, 0.01, {1: 0.2, 2: 0.1}, **{keys.LINEAGE: 0, keys.RESUME_FROM: 0})
    promotion = Promotion(4, 2, "exploit trial 2", clone_of=2, params={"lr": 0.012})
    assert promotion.is_clone
    record = continuation_template(weak, promotion, strong)
    info = LineageInfo.of(record)
    assert record.params == {"lr": 0.012}
    assert (info.parent, info.resume_from, info.checkpoint_of, info.resume_step) == (2, 4, 2, 2)
    assert keys.LINEAGE not in record.system_attrs  # its own root once it has a number
    assert record.intermediate_values == {1: 0.2, 2: 0.1}


def test_a_clone_needs_the_source_record_and_known_params() -> None:
    weak, strong = _paused(4, 0.5, {1: 0.9}), _paused(2, 0.01, {1: 0.2})
    with pytest.raises(ValueError, match="needs its record"):
        continuation_template(weak, Promotion(4, 1, clone_of=2))
    with pytest.raises(ValueError, match="only change existing parameters"):
        continuation_template(weak, Promotion(4, 1, clone_of=2, params={"wd": 1.0}), strong)


def test_the_lineage_table_never_merges_a_clone_into_its_parents_lineage() -> None:
    first = _paused(0, 0.01, {1: 0.3, 2: 0.2})
    cont = FrozenTrial(
        number=1,
        state=TrialState.COMPLETE,
        values=(0.1,),
        params={"lr": 0.01},
        distributions=DIST,
        system_attrs={keys.LINEAGE: 0, keys.RESUME_FROM: 0, keys.RESUME_STEP: 2},
        intermediate_values={1: 0.3, 2: 0.2, 3: 0.1},
    )
    clone = FrozenTrial(
        number=2,
        state=TrialState.RUNNING,
        params={"lr": 0.02},
        distributions=DIST,
        system_attrs={keys.LINEAGE_PARENT: 0, keys.RESUME_FROM: 0, keys.RESUME_STEP: 2},
        intermediate_values={1: 0.3, 2: 0.2, 3: 0.5},
    )
    history = History((hs.StudyDirection.MINIMIZE,), lambda: [first, cont, clone])
    table = LineageTable(history, None)
    assert table.roots == [0, 2]
    assert table.lineages[0].values == (0.3, 0.2, 0.1)
    assert table.lineages[0].status is LineageStatus.DONE
    assert table.lineages[2].status is LineageStatus.ACTIVE


def test_checkpoint_source_prefers_the_trials_own_checkpoint() -> None:
    own = _paused(5, 0.1, {3: 0.1}, **{keys.CHECKPOINT_OF: 1, keys.RESUME_STEP: 2})
    assert checkpoint_source(own) == (5, 3)
    inherited = FrozenTrial(
        number=6,
        state=TrialState.PRUNED,
        system_attrs={keys.CHECKPOINT_OF: 1, keys.RESUME_STEP: 2},
    )
    assert checkpoint_source(inherited) == (1, 2)
    assert checkpoint_source(FrozenTrial(number=7, state=TrialState.PRUNED)) == (None, None)


def test_every_reserved_key_is_registered_once() -> None:
    names = [v for k, v in vars(keys).items() if k.isupper() and isinstance(v, str)]
    assert len(names) == len(set(names))
    assert all(keys.is_reserved(n) for n in names)


def test_the_scheduler_stream_is_seeded_and_apart_from_the_samplers() -> None:
    class Seeded(hs.schedulers.Scheduler):
        def __init__(self, seed: int | None = None) -> None:
            self._set_seed(seed)

    a, b = Seeded(seed=3), Seeded(seed=3)
    assert a.trial_rng(5, 2).random() == b.trial_rng(5, 2).random()
    assert a.trial_rng(5, 2).random() != a.trial_rng(6, 2).random()
    sampler = hs.samplers.RandomSampler(seed=3)
    assert a.trial_rng(5, 0).random() != sampler.trial_rng(5).random()
    assert isinstance(hs.schedulers.MedianScheduler().seed, int)
