"""``hs.artifacts``: upload from an objective (trial) and from a study, download, metadata
listing, the boto3-style store on a fake S3 client, sharing a store with checkpoints; the
same script on Optuna where it is installed."""

from __future__ import annotations

import io
import json
import os
import pickle
import types
from pathlib import Path
from typing import Any

import pytest

import hypersweep as hs
from hypersweep.storage import InMemoryStorage
from hypersweep.trial import keys

from .test_define_by_run import lib_param


class FakeS3:
    """The three methods of a boto3 S3 client the store uses, in memory."""

    class NoSuchKey(Exception):
        def __init__(self) -> None:
            super().__init__("NoSuchKey")
            self.response = {"Error": {"Code": "NoSuchKey"}}

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, *, Bucket: str, Key: str, Body: Any) -> None:
        self.objects[Bucket, Key] = Body if isinstance(Body, bytes) else Body.read()

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        if (Bucket, Key) not in self.objects:
            raise FakeS3.NoSuchKey()
        return {"Body": io.BytesIO(self.objects[Bucket, Key])}

    def delete_object(self, *, Bucket: str, Key: str) -> None:
        self.objects.pop((Bucket, Key), None)

    def upload_fileobj(self, fileobj: Any, bucket: str, key: str) -> None:  # Optuna's store
        self.objects[bucket, key] = fileobj.read()


def _script(lib: types.ModuleType, store: Any, tmp_path: Path) -> dict[str, Any]:
    """Optuna's artifact tutorial, shortened: a file per trial, one for the study."""
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -1, 1)
        path = tmp_path / f"model-{trial.number}.json"
        path.write_text(json.dumps({"x": x}))
        lib.artifacts.upload_artifact(
            artifact_store=store, file_path=str(path), study_or_trial=trial
        )
        return x**2

    study.optimize(objective, n_trials=3)
    summary = tmp_path / "summary.txt"
    summary.write_text("best")
    study_id = lib.artifacts.upload_artifact(
        artifact_store=store, file_path=str(summary), study_or_trial=study, mimetype="text/x-note"
    )
    best = study.best_trial
    metas = lib.artifacts.get_all_artifact_meta(best, storage=study._storage)
    out = tmp_path / f"downloaded-{lib.__name__}.json"
    lib.artifacts.download_artifact(
        artifact_store=store, artifact_id=metas[0].artifact_id, file_path=str(out)
    )
    study_metas = lib.artifacts.get_all_artifact_meta(study)
    return {
        "trial_metas": [(m.filename, m.mimetype, m.encoding) for m in metas],
        "downloaded": json.loads(out.read_text()),
        "best_x": best.params["x"],
        "study_metas": [(m.filename, m.mimetype) for m in study_metas],
        "study_id_listed": [m.artifact_id for m in study_metas] == [study_id],
        "per_trial": [
            len(lib.artifacts.get_all_artifact_meta(t, storage=study._storage))
            for t in study.trials
        ],
    }


@lib_param
def test_filesystem_store_round_trip(lib: types.ModuleType, tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()  # Optuna's store needs the folder to exist; ours makes it
    store = lib.artifacts.FileSystemArtifactStore(str(tmp_path / "store"))
    result = _script(lib, store, tmp_path)
    assert len(result["trial_metas"]) == 1
    filename, mimetype, encoding = result["trial_metas"][0]
    assert filename.startswith("model-") and mimetype == "application/json" and encoding is None
    assert result["downloaded"] == {"x": result["best_x"]}
    assert result["study_metas"] == [("summary.txt", "text/x-note")]
    assert result["study_id_listed"]
    assert result["per_trial"] == [1, 1, 1]


@lib_param
def test_boto3_store_on_a_fake_client(lib: types.ModuleType, tmp_path: Path) -> None:
    if lib is not hs:
        pytest.importorskip("boto3")  # Optuna's store needs boto3 even with a client given
    client = FakeS3()
    store = lib.artifacts.Boto3ArtifactStore("bucket", client=client)
    result = _script(lib, store, tmp_path)
    assert result["downloaded"] == {"x": result["best_x"]}
    assert len(client.objects) == 4  # three trials and the study
    assert all(bucket == "bucket" for bucket, _ in client.objects)


def test_missing_artifact_and_existing_target(tmp_path: Path) -> None:
    store = hs.artifacts.FileSystemArtifactStore(tmp_path / "store")
    with pytest.raises(hs.artifacts.exceptions.ArtifactNotFound):
        hs.artifacts.download_artifact(
            artifact_store=store, artifact_id="nothing-here", file_path=tmp_path / "out"
        )
    (tmp_path / "out").write_text("x")
    with pytest.raises(FileExistsError):
        hs.artifacts.download_artifact(
            artifact_store=store, artifact_id="nothing-here", file_path=tmp_path / "out"
        )
    s3 = hs.artifacts.Boto3ArtifactStore("b", client=FakeS3())
    with pytest.raises(hs.artifacts.exceptions.ArtifactNotFound):
        s3.open_reader("nothing-here")
    with pytest.raises(hs.artifacts.exceptions.ArtifactNotFound):
        store.remove("nothing-here")


def test_frozen_trial_needs_storage(tmp_path: Path) -> None:
    study = hs.create_study()
    study.optimize(lambda t: 0.0, n_trials=1)
    path = tmp_path / "f.bin"
    path.write_bytes(b"\0")
    store = hs.artifacts.FileSystemArtifactStore(tmp_path / "store")
    running = study.ask()
    frozen = study.get_trials(states=[hs.TrialState.RUNNING])[0]
    with pytest.raises(ValueError, match="storage"):
        hs.artifacts.upload_artifact(artifact_store=store, file_path=path, study_or_trial=frozen)
    hs.artifacts.upload_artifact(
        artifact_store=store, file_path=path, study_or_trial=frozen, storage=study.storage
    )
    (meta,) = hs.artifacts.get_all_artifact_meta(running)
    assert meta.filename == "f.bin" and meta.mimetype == "application/octet-stream"
    with pytest.raises(hs.exceptions.UpdateFinishedTrialError):  # as Optuna: finished trial
        hs.artifacts.upload_artifact(
            artifact_store=store,
            file_path=path,
            study_or_trial=study.trials[0],
            storage=study.storage,
        )
    assert not (tmp_path / "store").exists() or len(list((tmp_path / "store").iterdir())) == 1
    with pytest.raises(TypeError, match="artifact_store"):
        hs.artifacts.upload_artifact(
            artifact_store=object(),  # type: ignore[arg-type]
            file_path=path,
            study_or_trial=study,
        )


def test_a_store_written_for_the_protocol_works(tmp_path: Path) -> None:
    class DictStore:
        def __init__(self) -> None:
            self.blobs: dict[str, bytes] = {}

        def open_reader(self, artifact_id: str) -> io.BytesIO:
            return io.BytesIO(self.blobs[artifact_id])

        def write(self, artifact_id: str, content_body: Any) -> None:
            self.blobs[artifact_id] = content_body.read()

        def remove(self, artifact_id: str) -> None:
            del self.blobs[artifact_id]

    store = DictStore()
    path = tmp_path / "plot.png"
    path.write_bytes(b"png")
    study = hs.create_study()
    artifact_id = hs.artifacts.upload_artifact(
        artifact_store=store, file_path=path, study_or_trial=study
    )
    assert store.blobs == {artifact_id: b"png"}
    assert hs.artifacts.get_all_artifact_meta(study)[0].mimetype == "image/png"


def test_artifacts_share_the_checkpoint_store_and_go_with_the_study(tmp_path: Path) -> None:
    store = hs.artifacts.FileSystemArtifactStore(tmp_path / "blobs")
    storage = InMemoryStorage(checkpoint_store=store, checkpoint_threshold=0)
    study = hs.create_study(storage=storage, study_name="s")
    path = tmp_path / "weights.bin"
    path.write_bytes(b"w" * 10)

    def objective(trial: Any) -> float:
        trial.save_checkpoint({"step": 1})
        hs.artifacts.upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return 0.0

    study.optimize(objective, n_trials=2)
    hs.artifacts.upload_artifact(artifact_store=store, file_path=path, study_or_trial=study)
    blobs = [p for p in (tmp_path / "blobs").iterdir() if not p.name.startswith(".")]
    assert len(blobs) == 5  # two checkpoints, three artifacts
    assert keys.is_reserved(keys.ARTIFACT_PREFIX + "anything")
    hs.delete_study(study_name="s", storage=storage)
    assert [p for p in (tmp_path / "blobs").iterdir() if not p.name.startswith(".")] == []


def test_stores_pickle_to_the_same_place(tmp_path: Path) -> None:
    store = hs.artifacts.FileSystemArtifactStore(tmp_path)
    assert pickle.loads(pickle.dumps(store)) == store
    assert os.fspath(tmp_path) in repr(store)
