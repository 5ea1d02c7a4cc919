"""Ctrl-C (SIGINT) and SIGTERM during optimize: stop at once, fail the running trials."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

import hypersweep as hs
from tests.storage.servers import POSTGRES_URL, require_server

SCRIPT = textwrap.dedent(
    """
    import sys, time
    import hypersweep as hs

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        time.sleep(60)
        return 0.0

    if __name__ == "__main__":
        url, name, executor = sys.argv[1:4]
        study = hs.create_study(storage=url, study_name=name)
        study.optimize(objective, n_trials=100, n_jobs=2,
                       executor=None if executor == "threads" else executor)
    """
)


def _running(url: str, name: str) -> int:
    try:
        study = hs.load_study(study_name=name, storage=url)
    except Exception:
        return 0
    return sum(t.state is hs.TrialState.RUNNING and "x" in t.params for t in study.trials)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
# The process variants once left a trial RUNNING 1 run in 20: TerminatedBySignal did not
# unpickle in the parent, so the pool counted the worker as crashed and killed the others.
@pytest.mark.parametrize("executor", ["threads", "processes"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_fails_running_trials_and_exits(
    tmp_path: Path, backend: str, executor: str, signum: int
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'study.db'}"
    else:
        url = require_server(POSTGRES_URL)
    name = f"interrupt-{uuid.uuid4().hex[:8]}"
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, str(script), url, name, executor], env=env, cwd=tmp_path
    )
    try:
        deadline = time.monotonic() + 60
        while _running(url, name) < 2:  # both workers inside the objective
            assert proc.poll() is None, "the study process ended early"
            assert time.monotonic() < deadline, "the workers never started their trials"
            time.sleep(0.2)
        proc.send_signal(signum)
        # The objectives sleep 60 s: ending well before proves nobody waited for them.
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code != 0
    trials = hs.load_study(study_name=name, storage=url).trials
    assert len(trials) == 2
    expected = "SIGINT" if signum == signal.SIGINT else "SIGTERM"
    for trial in trials:
        assert trial.state is hs.TrialState.FAIL
        assert trial.fail_reason is not None and trial.fail_reason.startswith("interrupted by")
        if expected == "SIGTERM" or executor == "threads":
            reason = "SIGTERM" if expected == "SIGTERM" else "KeyboardInterrupt"
            assert trial.fail_reason == f"interrupted by {reason}"


def test_the_sigterm_exception_crosses_process_boundaries() -> None:
    from hypersweep._internal.exceptions import TerminatedBySignal

    again = pickle.loads(pickle.dumps(TerminatedBySignal()))
    assert isinstance(again, TerminatedBySignal) and again.code == 143 and str(again) == "SIGTERM"


def test_an_interrupt_waits_for_a_deferred_storage_write() -> None:
    from hypersweep._internal.signals import interrupts_deferred, sigterm_raises

    steps = []
    with pytest.raises(SystemExit), sigterm_raises():
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the handler has run by now: the exception waits
            steps.append("write finished")
        steps.append("never reached")
    assert steps == ["write finished"]


UNGUARDED = textwrap.dedent(
    """
    import hypersweep as hs

    def objective(trial):
        return trial.suggest_float("x", 0, 1)

    study = hs.create_study(storage="sqlite:///{db}", study_name="s")
    study.optimize(objective, n_trials=4, n_jobs=2, executor="processes")
    """
)


def test_unguarded_script_is_refused_before_any_process_starts(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED.format(db=db))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert 'if __name__ == "__main__":' in result.stderr
    assert "line 8" in result.stderr
    assert hs.load_study(study_name="s", storage=f"sqlite:///{db}").trials == []


def test_guarded_script_runs(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    body = UNGUARDED.format(db=db).replace(
        "\nstudy = ", '\nif __name__ == "__main__":\n    study = '
    )
    body = body.replace("\nstudy.optimize", "\n    study.optimize")
    script = tmp_path / "guarded.py"
    script.write_text(body)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(hs.load_study(study_name="s", storage=f"sqlite:///{db}").trials) == 4
