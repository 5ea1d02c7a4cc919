"""What a new user hit in a first afternoon: worker counts, trial tables, missing studies."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hypersweep as hs
from hypersweep.cli.main import main

OBJECTIVE = textwrap.dedent(
    """
    import time

    import hypersweep as hs


    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        time.sleep(0.02)  # long enough for two workers to take turns
        trial.report(x, 1)
        if x > 0.8:
            raise hs.TrialPruned("x is too large")
        if x < 0.1:
            raise RuntimeError("x is too small")
        return x
    """
)


@pytest.fixture
def objective_dir(tmp_path: Path) -> Path:
    (tmp_path / "usability_objective.py").write_text(OBJECTIVE)
    return tmp_path


def _worker(cwd: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hypersweep",
            "worker",
            "usability_objective:objective",
            "--storage",
            url,
            "--study",
            "shared",
            "--sampler",
            "random",
            *extra,
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


DONE = re.compile(
    r"^worker done: ran (\d+) trials?(?: \(([a-z0-9, ]+)\))?; the study holds (\d+)\.$", re.M
)


def _ran(stdout: str) -> tuple[int, dict[str, int], int]:
    match = DONE.search(stdout)
    assert match, stdout
    states = {}
    for part in (match.group(2) or "").split(", "):
        if part:
            n, state = part.split()
            states[state] = int(n)
    return int(match.group(1)), states, int(match.group(3))


def test_two_workers_print_the_trials_each_ran_and_they_add_up(objective_dir: Path) -> None:
    url = f"sqlite:///{objective_dir}/shared.db"
    hs.create_study(storage=url, study_name="shared")
    workers = [
        _worker(objective_dir, url, "--max-trials", "12", "--seed", str(seed)) for seed in (1, 2)
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    counts = [_ran(out) for out, _ in outputs]
    study = hs.load_study(study_name="shared", storage=url)
    assert len(study.trials) == 12
    assert sum(ran for ran, _, _ in counts) == 12
    for ran, states, holds in counts:
        assert sum(states.values()) == ran
        assert holds == 12
    for state in ("complete", "pruned", "fail"):
        expected = sum(t.state.name.lower() == state for t in study.trials)
        assert sum(states.get(state, 0) for _, states, _ in counts) == expected


def test_a_worker_counts_only_its_own_trials_by_state(
    objective_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(objective_dir)
    url = f"sqlite:///{objective_dir}/seq.db"
    base = ["worker", "usability_objective:objective", "--storage", url, "--study", "shared"]
    assert main([*base, "--create", "--n-trials", "5", "--sampler", "random", "--seed", "0"]) == 0
    first = _ran(capsys.readouterr().out)
    assert main([*base, "--n-trials", "3", "--sampler", "random", "--seed", "1"]) == 0
    second = _ran(capsys.readouterr().out)
    trials = hs.load_study(study_name="shared", storage=url).trials
    assert (first[0], first[2]) == (5, 5)
    assert (second[0], second[2]) == (3, 8)
    later = {s: sum(t.state.name.lower() == s for t in trials[5:]) for s in second[1]}
    assert second[1] == later


def test_a_worker_for_a_missing_study_suggests_create(
    objective_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(objective_dir)
    url = f"sqlite:///{objective_dir}/other.db"
    hs.create_study(storage=url, study_name="other")
    argv = ["worker", "usability_objective:objective", "--storage", url, "--study", "new"]
    assert main([*argv, "--n-trials", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "No study named 'new'" in err and "--create" in err
    assert hs.get_all_study_names(url) == ["other"]


def test_a_worker_for_a_missing_study_fails_in_one_line_from_the_shell(
    objective_dir: Path,
) -> None:
    url = f"sqlite:///{objective_dir}/other.db"
    hs.create_study(storage=url, study_name="other")
    worker = _worker(objective_dir, url, "--n-trials", "1")
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 2 and out == ""
    assert err.startswith("hypersweep: error: No study named 'shared'") and "--create" in err
    assert err.count("\n") == 1


@pytest.fixture
def mixed(tmp_path: Path) -> str:
    """A study with COMPLETE, PRUNED and FAIL trials, each with a known duration."""
    url = f"sqlite:///{tmp_path}/mixed.db"
    study = hs.create_study(storage=url, study_name="m")

    def objective(trial: hs.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["ok", "prune", "fail"])
        trial.report(1.5, 1)
        if kind == "prune":
            raise hs.TrialPruned("worse than the median at step 1")
        if kind == "fail":
            raise RuntimeError("out of memory\nwhile training")
        return 0.25

    for kind in ("ok", "prune", "fail", "ok"):
        study.enqueue_trial({"kind": kind})
    study.optimize(objective, n_trials=4)
    return url


def test_trials_table_shows_duration_and_reason(
    mixed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trials", "--storage", mixed, "--study", "m"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["number", "state", "value", "duration", "kind", "reason"]
    rows = {int(line.split()[0]): line for line in lines[2:]}
    assert len(rows) == 4
    assert rows[1].endswith("worse than the median at step 1")
    assert rows[2].endswith("RuntimeError: out of memory while training")
    assert rows[0].rstrip().endswith("ok")  # complete: no reason
    start = lines[0].index("duration")
    for line in lines[2:]:
        assert re.fullmatch(r"\d+ms|\d+\.\d\ds", line[start:].split()[0])


def test_top_with_only_states_that_have_no_final_value_says_why(
    mixed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["trials", "--storage", mixed, "--study", "m", "--state", "PRUNED", "--top", "3"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--top ranks COMPLETE trials" in captured.err
    assert "--state PRUNED" in captured.err and "add --state COMPLETE" in captured.err
    assert main([*argv, "--state", "COMPLETE"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines[2:]] == ["COMPLETE", "COMPLETE"]


def test_top_without_complete_trials_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/pruned.db"
    study = hs.create_study(storage=url, study_name="p")

    def objective(trial: hs.Trial) -> float:
        trial.report(1.0, 1)
        raise hs.TrialPruned()

    study.optimize(objective, n_trials=2)
    assert main(["trials", "--storage", url, "--study", "p", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert out == "No COMPLETE trial to rank by --top yet: study 'p' holds 2 trials (2 PRUNED).\n"


def test_an_empty_selection_is_a_sentence_not_an_empty_table(
    mixed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trials", "--storage", mixed, "--study", "m", "--state", "WAITING"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "No WAITING trials in study 'm': it holds 4 trials (2 COMPLETE, 1 PRUNED, 1 FAIL).\n"
    )
    assert main(["trials", "--storage", mixed, "--study", "m", "--top", "0"]) == 2
    assert "--top must be a positive number" in capsys.readouterr().err


BROKEN = textwrap.dedent(
    """
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        return open("/no/such/file.csv").read()
    """
)


@pytest.mark.parametrize(
    ("flag", "expected_trials", "expected_status"),
    [
        ((), 5, 1),
        (("--max-initial-failures", "2"), 2, 1),
        (("--max-initial-failures", "none"), 8, 0),
    ],
)
def test_a_worker_stops_after_its_first_trials_all_fail_the_same_way(
    tmp_path: Path, flag: tuple[str, ...], expected_trials: int, expected_status: int
) -> None:
    (tmp_path / "broken_objective.py").write_text(BROKEN)
    url = f"sqlite:///{tmp_path}/broken.db"
    argv = ["worker", "broken_objective:objective", "--storage", url, "--study", "b"]
    done = subprocess.run(
        [sys.executable, "-m", "hypersweep", *argv, "--create", "--n-trials", "8", *flag],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == expected_status, done.stderr
    trials = hs.load_study(study_name="b", storage=url).trials
    assert len(trials) == expected_trials
    assert all(t.state is hs.TrialState.FAIL for t in trials)
    if expected_status:
        assert "FileNotFoundError" in done.stderr and "max_initial_failures" in done.stderr


def test_a_worker_rejects_a_bad_max_initial_failures(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["worker", "m:f", "--max-initial-failures", "0"])
    assert "must be an int >= 1 or 'none'" in capsys.readouterr().err


SLOW_OBJECTIVE = textwrap.dedent(
    """
    import time


    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        time.sleep(0.2)
        return x * x
    """
)


def test_ctrl_c_ends_a_worker_with_a_sentence_and_status_130(tmp_path: Path) -> None:
    import signal
    import time

    (tmp_path / "slow_objective.py").write_text(SLOW_OBJECTIVE)
    url = f"sqlite:///{tmp_path}/slow.db"
    argv = ["worker", "slow_objective:objective", "--storage", url, "--study", "s"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "hypersweep", *argv, "--create", "--n-trials", "1000"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some trials finished
        time.sleep(0.2)
        try:
            done = hs.load_study(study_name="s", storage=url).get_trials(
                states=(hs.TrialState.COMPLETE,)
            )
        except Exception:  # the study is not created yet
            continue
        if len(done) >= 2:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted; finished trials are kept" in err
    trials = hs.load_study(study_name="s", storage=url).trials
    assert sum(t.state is hs.TrialState.COMPLETE for t in trials) >= 2
    assert all(t.state is not hs.TrialState.RUNNING for t in trials)
