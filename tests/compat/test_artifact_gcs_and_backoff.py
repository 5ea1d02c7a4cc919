"""``GCSArtifactStore`` on an in-memory client shaped like google.cloud.storage, and
``Backoff`` retrying a flaky store; the artifact tutorial's calls through both."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs


class NotFound(Exception):
    """google.api_core.exceptions.NotFound's name."""


class FakeGCS:
    """``client.bucket(name).blob(key)`` with upload/download/delete, in memory."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def bucket(self, name: str) -> Any:
        client = self

        class Bucket:
            def blob(self, key: str) -> Any:
                class Blob:
                    def upload_from_string(self, data: bytes) -> None:
                        client.objects[name, key] = bytes(data)

                    def download_as_bytes(self) -> bytes:
                        if (name, key) not in client.objects:
                            raise NotFound(key)
                        return client.objects[name, key]

                    def delete(self) -> None:
                        if (name, key) not in client.objects:
                            raise NotFound(key)
                        del client.objects[name, key]

                return Blob()

        return Bucket()


def _upload_per_trial(store: Any, tmp_path: Path) -> hs.Study:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        path = tmp_path / f"model-{trial.number}.json"
        path.write_text(json.dumps({"x": x}))
        hs.artifacts.upload_artifact(
            artifact_store=store, file_path=str(path), study_or_trial=trial
        )
        return x**2

    study.optimize(objective, n_trials=3)
    return study


def test_gcs_store_runs_the_artifact_calls(tmp_path: Path) -> None:
    client = FakeGCS()
    store = hs.artifacts.GCSArtifactStore("bucket", client=client)
    study = _upload_per_trial(store, tmp_path)
    (meta,) = hs.artifacts.get_all_artifact_meta(study.best_trial)
    target = tmp_path / "best.json"
    hs.artifacts.download_artifact(
        artifact_store=store, artifact_id=meta.artifact_id, file_path=str(target)
    )
    assert json.loads(target.read_text()) == {"x": study.best_params["x"]}
    assert len(client.objects) == 3 and {b for b, _ in client.objects} == {"bucket"}
    store.remove(meta.artifact_id)
    with pytest.raises(hs.artifacts.exceptions.ArtifactNotFound):
        store.open_reader(meta.artifact_id)
    assert pickle.loads(pickle.dumps(store)).bucket_name == "bucket"


def test_gcs_store_bad_arguments() -> None:
    with pytest.raises(ValueError, match="bucket_name"):
        hs.artifacts.GCSArtifactStore("", client=FakeGCS())
    with pytest.raises(TypeError, match="bucket"):
        hs.artifacts.GCSArtifactStore("b", client=object())


class Flaky:
    """A store whose first ``failures`` calls raise ConnectionError."""

    def __init__(self, inner: Any, failures: int) -> None:
        self.inner, self.failures, self.calls = inner, failures, 0

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("network down")

    def open_reader(self, artifact_id: str) -> Any:
        self._maybe_fail()
        return self.inner.open_reader(artifact_id)

    def write(self, artifact_id: str, content_body: Any) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            content_body.read(3)  # a failure after a partial read: the retry must rewind
            raise ConnectionError("network down")
        self.inner.write(artifact_id, content_body)

    def remove(self, artifact_id: str) -> None:
        self._maybe_fail()
        self.inner.remove(artifact_id)


def test_backoff_retries_then_succeeds_and_gives_up(tmp_path: Path) -> None:
    inner = hs.artifacts.FileSystemArtifactStore(tmp_path / "store")
    flaky = Flaky(inner, failures=2)
    store = hs.artifacts.Backoff(flaky, min_delay=0.001, max_delay=0.002)
    store.write("a", io.BytesIO(b"payload"))
    assert flaky.calls == 3 and inner.open_reader("a").read() == b"payload"
    flaky.failures, flaky.calls = 2, 0
    assert store.open_reader("a").read() == b"payload" and flaky.calls == 3

    always_down = Flaky(inner, failures=99)
    never = hs.artifacts.Backoff(always_down, max_retries=2, min_delay=0.001)
    with pytest.raises(ConnectionError):
        never.open_reader("a")
    assert always_down.calls == 2  # max_retries counts every try, as Optuna's

    missing = Flaky(inner, failures=0)
    with pytest.raises(hs.artifacts.exceptions.ArtifactNotFound):
        hs.artifacts.Backoff(missing, min_delay=0.001).open_reader("nothing")
    assert missing.calls == 1  # a missing artifact is not retried


def test_backoff_works_with_upload_artifact_and_checks_arguments(tmp_path: Path) -> None:
    store = hs.artifacts.Backoff(hs.artifacts.FileSystemArtifactStore(tmp_path / "s"))
    study = _upload_per_trial(store, tmp_path)
    assert len(hs.artifacts.get_all_artifact_meta(study.trials[0])) == 1
    with pytest.raises(TypeError, match="artifact store"):
        hs.artifacts.Backoff(object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries"):
        hs.artifacts.Backoff(store, max_retries=0)
