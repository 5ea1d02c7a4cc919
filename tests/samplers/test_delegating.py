"""Wrapper samplers pass every hook of the protocol on to the sampler they wrap."""

from __future__ import annotations

import inspect
import json
import pickle
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hypersweep as hs
from hypersweep._internal.spec import decode, encode
from hypersweep.samplers import (
    CmaEsSampler,
    DelegatingSampler,
    GaussianESSampler,
    GPSampler,
    PartialFixedSampler,
    RandomFractionSampler,
    RandomSampler,
    Sampler,
    TPESampler,
)
from hypersweep.space import SearchSpace
from hypersweep.study.presets import bohb
from hypersweep.trial import FrozenTrial, History

PUBLIC = sorted(name for name in dir(Sampler) if not name.startswith("_"))
METHODS = [name for name in PUBLIC if inspect.isfunction(getattr(Sampler, name))]


# -- the delegating base --------------------------------------------------------------------
def test_the_protocol_is_what_this_file_checks() -> None:
    """Guards the enumeration below: it must see the hooks the study calls."""
    assert {"seed", "shared_state_key", "start_trial_shared", "sample_independent"} <= set(PUBLIC)
    assert {"trial_rng", "start_trial", "is_exhausted", "check_directions"} <= set(METHODS)


@pytest.mark.parametrize("name", PUBLIC)
def test_the_delegating_base_overrides_every_public_name_of_sampler(name: str) -> None:
    """A hook added to ``Sampler`` later fails here until ``DelegatingSampler`` passes it on."""
    assert name in vars(DelegatingSampler), (
        f"Sampler.{name} is not passed on by DelegatingSampler: every wrapper would get the "
        "protocol's default instead of its base sampler's answer."
    )


class Recorder(Sampler):
    """Records every call of a hook and answers with a token naming the call."""

    shared_state_key = "recorder"

    def __init__(self) -> None:
        super().__init__(seed=1234)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []


def _recording(name: str) -> Callable[..., Any]:
    def hook(self: Recorder, *args: Any) -> Any:
        self.calls.append((name, args))
        return ("answer", name, args)

    return hook


for _name in METHODS:
    setattr(Recorder, _name, _recording(_name))


@pytest.mark.parametrize("name", METHODS)
def test_every_hook_reaches_the_base_with_its_arguments_and_its_answer_comes_back(
    name: str,
) -> None:
    base = Recorder()
    wrapper = DelegatingSampler(base)
    signature = inspect.signature(getattr(Sampler, name))
    args = tuple(object() for _ in range(len(signature.parameters) - 1))
    answer = getattr(wrapper, name)(*args)
    assert base.calls == [(name, args)]
    if signature.return_annotation not in ("None", None):  # a check: nothing to pass back
        assert answer == ("answer", name, args)


def test_seed_and_shared_state_key_are_the_bases() -> None:
    base = Recorder()
    wrapper = DelegatingSampler(base)
    assert wrapper.seed == 1234 and wrapper.shared_state_key == "recorder"
    assert DelegatingSampler(RandomSampler(seed=5)).shared_state_key is None
    for name in set(PUBLIC) - set(METHODS):
        assert getattr(wrapper, name) == getattr(base, name), name


@pytest.mark.parametrize("cls", [PartialFixedSampler, RandomFractionSampler])
def test_the_wrappers_are_delegating_samplers(cls: type) -> None:
    assert issubclass(cls, DelegatingSampler)


def test_base_must_be_a_sampler() -> None:
    with pytest.raises(TypeError, match="base_sampler must be a Sampler"):
        DelegatingSampler("tpe")  # type: ignore[arg-type]


# -- wrappers x samplers with shared state ---------------------------------------------------
POPULATION = {"cmaes": CmaEsSampler, "gaussian_es": GaussianESSampler}


def _population(key: str, seed: int = 0) -> Sampler:
    return POPULATION[key](seed=seed, popsize=6, warn_independent_sampling=False)


def objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -3.0, 3.0)
    y = trial.suggest_float("y", -3.0, 3.0)
    z = trial.suggest_int("z", -2, 2)
    return (x - 1.0) ** 2 + (y + 0.5) ** 2 + z


def _proposals(study: hs.Study, key: str) -> list[FrozenTrial]:
    return [t for t in study.trials if f"hypersweep.{key}" in t.system_attrs]


@pytest.mark.parametrize("key", sorted(POPULATION))
def test_partial_fixed_gets_population_proposals_for_the_free_parameters(key: str) -> None:
    """The bug: 150 trials of PartialFixedSampler({"z": 0}, CmaEsSampler) got no proposal."""
    study = hs.create_study(sampler=PartialFixedSampler({"z": 1}, _population(key)))
    study.optimize(objective, n_trials=60)
    proposed = _proposals(study, key)
    assert [t.number for t in proposed] == list(range(1, 60))  # all but the start-up trial
    infos = [t.system_attrs[f"hypersweep.{key}"] for t in proposed]
    assert all(len(info["x"]) == 2 for info in infos)  # a point in (x, y): z is not searched
    assert max(info["gen"] for info in infos) >= 8  # generations were told and drawn
    assert {t.params["z"] for t in study.trials} == {1}

    # The free parameters are the evolution strategy's own: the same seed on the objective
    # without z proposes exactly the same x and y.
    def without_z(t: hs.Trial) -> float:
        return (
            (t.suggest_float("x", -3.0, 3.0) - 1.0) ** 2
            + (t.suggest_float("y", -3.0, 3.0) + 0.5) ** 2
            + 1
        )

    alone = hs.create_study(sampler=_population(key))
    alone.optimize(without_z, n_trials=60)
    pairs = [(t.params["x"], t.params["y"]) for t in study.trials]
    assert pairs == [(t.params["x"], t.params["y"]) for t in alone.trials]


@pytest.mark.parametrize("key", sorted(POPULATION))
def test_random_fraction_forwards_the_shared_hooks_on_the_base_trials_only(key: str) -> None:
    sampler = RandomFractionSampler(_population(key), 0.3)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=60)
    randoms = {t.number for t in study.trials if sampler.is_random(t.number)}
    assert 8 <= len(randoms) <= 30
    proposed = {t.number for t in _proposals(study, key)}
    assert proposed == set(range(1, 60)) - randoms  # start-up: trial 0 (random or not)
    gens = [t.system_attrs[f"hypersweep.{key}"]["gen"] for t in _proposals(study, key)]
    assert max(gens) >= 5
    # A random trial leaves the shared state alone: one write per proposal (its slot) and
    # none for the random trials.
    stored = study.storage.get_study_state(study._study_id, key)
    assert stored is not None and stored.version == len(proposed)


def test_partial_fixed_over_cmaes_with_two_threads_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    sampler = PartialFixedSampler({"z": -1}, _population("cmaes"))
    study = hs.create_study(storage=url, sampler=sampler)
    study.optimize(objective, n_trials=40, n_jobs=2)
    trials = study.trials
    assert len(trials) == 40 and all(t.state is hs.TrialState.COMPLETE for t in trials)
    assert {t.params["z"] for t in trials} == {-1}
    proposed = _proposals(study, "cmaes")
    assert len(proposed) >= 38  # at most the two trials started before the first finished
    infos = [t.system_attrs["hypersweep.cmaes"] for t in proposed]
    assert all(len(info["x"]) == 2 for info in infos)
    slots = [(info["gen"], info["slot"]) for info in infos]
    assert len(set(slots)) == len(slots)  # each point of a generation went to one trial
    assert max(info["gen"] for info in infos) >= 4


def test_random_fraction_over_gaussian_es_with_two_threads_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    sampler = RandomFractionSampler(_population("gaussian_es"), 0.25)
    study = hs.create_study(storage=url, sampler=sampler)
    study.optimize(objective, n_trials=40, n_jobs=2)
    proposed = {t.number for t in _proposals(study, "gaussian_es")}
    randoms = {n for n in range(40) if sampler.is_random(n)}
    assert not proposed & randoms
    assert len(proposed) >= 40 - len(randoms) - 2


class Ticketing(RandomSampler):
    """The smallest sampler with shared state: consecutive tickets from a stored counter."""

    shared_state_key = "tickets"

    def start_trial_shared(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator, state: bytes | None
    ) -> tuple[Mapping[str, Any], bytes | None]:
        count = json.loads(state) if state else 0
        return {"ticket": count}, json.dumps(count + 1).encode()


def test_any_shared_state_sampler_keeps_its_state_under_a_wrapper() -> None:
    for wrapper in (
        PartialFixedSampler({"z": 0}, Ticketing(seed=0)),
        DelegatingSampler(Ticketing(seed=0)),
    ):
        study = hs.create_study(sampler=wrapper)
        study.optimize(objective, n_trials=12, n_jobs=3)
        assert sorted(t.system_attrs["ticket"] for t in study.trials) == list(range(12))
    sampler = RandomFractionSampler(Ticketing(seed=0), 0.5)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=20)
    tickets = [t.system_attrs.get("ticket") for t in study.trials]
    assert [n for n, ticket in enumerate(tickets) if ticket is None] == [
        n for n in range(20) if sampler.is_random(n)
    ]
    assert [ticket for ticket in tickets if ticket is not None] == list(
        range(20 - tickets.count(None))
    )


# -- relative sampling of the model-based samplers still goes through ------------------------
class Spy(DelegatingSampler):
    """Records the joint search spaces and values the base sampler was asked for."""

    def __init__(self, base_sampler: Sampler) -> None:
        super().__init__(base_sampler)
        self.relative: dict[int, tuple[list[str], dict[str, Any]]] = {}

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        params = super().sample_relative(history, trial, search_space, rng)
        self.relative[trial.number] = (sorted(search_space), params)
        return params


@pytest.mark.parametrize(
    ("base", "first"),
    [
        (lambda: TPESampler(seed=0, n_startup_trials=5, multivariate=True), 5),
        (lambda: GPSampler(seed=0, n_startup_trials=5), 1),  # its start-up is Sobol, jointly
    ],
    ids=["tpe", "gp"],
)
def test_model_based_samplers_keep_sampling_jointly_under_partial_fixed(
    base: Callable[[], Sampler], first: int
) -> None:
    spy = Spy(base())
    study = hs.create_study(sampler=PartialFixedSampler({"z": 2}, spy))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TPE's multivariate mode is experimental
        study.optimize(objective, n_trials=12)
    assert sorted(spy.relative) == list(range(first, 12))
    if isinstance(spy.base_sampler, GPSampler):  # the model's point, fitted on (x, y)
        assert all(len(t.system_attrs["gp:model"]["x"]) == 2 for t in study.trials[5:])
    for number, (space, params) in spy.relative.items():
        assert space == ["x", "y"]  # z, fixed, is not in the model's space
        trial = study.trials[number]
        assert params == {"x": trial.params["x"], "y": trial.params["y"]}
    assert {t.params["z"] for t in study.trials} == {2}


def test_a_fixed_parameter_searched_before_is_not_searched_by_the_base() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    study.optimize(objective, n_trials=6)  # z varies here
    study.sampler = PartialFixedSampler({"z": 0}, _population("cmaes"))
    study.optimize(objective, n_trials=20)
    new = study.trials[6:]
    assert {t.params["z"] for t in new} == {0}
    infos = [t.system_attrs["hypersweep.cmaes"] for t in _proposals(study, "cmaes")]
    assert len(infos) == 20 and all(len(info["x"]) == 2 for info in infos)


# -- storage of the wrappers ------------------------------------------------------------------
@pytest.mark.parametrize(
    "sampler",
    [
        PartialFixedSampler({"z": 0}, CmaEsSampler(seed=0)),
        RandomFractionSampler(GaussianESSampler(seed=3), 0.25),
        DelegatingSampler(TPESampler(seed=4)),
    ],
    ids=lambda s: type(s).__name__,
)
def test_wrappers_round_trip_through_their_specification(sampler: Sampler) -> None:
    spec = json.loads(json.dumps(encode(sampler)))
    rebuilt = decode(spec)
    assert type(rebuilt) is type(sampler) and encode(rebuilt) == spec
    assert rebuilt.shared_state_key == sampler.shared_state_key and rebuilt.seed == sampler.seed


def test_a_bohb_specification_stored_before_the_move_still_loads() -> None:
    spec = json.loads(json.dumps(encode(bohb(seed=2).sampler)))
    assert spec["$object"] == "hypersweep.samplers:RandomFractionSampler"
    spec["$object"] = "hypersweep.study.presets:RandomFractionSampler"
    rebuilt = decode(spec)
    assert isinstance(rebuilt, RandomFractionSampler) and rebuilt.seed == 2


def test_a_used_partial_fixed_sampler_pickles_without_the_study() -> None:
    sampler = PartialFixedSampler({"z": 0}, _population("cmaes"))
    hs.create_study(sampler=sampler).optimize(objective, n_trials=3)
    assert sampler._shown is not None
    clone = pickle.loads(pickle.dumps(sampler))
    assert clone._shown is None and clone.fixed_params == {"z": 0}
    assert repr(clone) == f"PartialFixedSampler({{'z': 0}}, {sampler.base_sampler!r})"
