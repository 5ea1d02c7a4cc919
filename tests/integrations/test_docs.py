"""Every ```python block of docs/integrations.md runs to the end (each in a fresh namespace)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import IN_CI

DOC = Path(__file__).parent.parent.parent / "docs" / "integrations.md"


def _blocks() -> list[tuple[str, str]]:
    heading, out = "top", []
    for match in re.finditer(r"^(#+ [^\n]*)$|^```python\n(.*?)^```$", DOC.read_text(), re.M | re.S):
        if match.group(1):
            heading = re.sub(r"\W+", "-", match.group(1).lstrip("# ").lower()).strip("-")
        else:
            out.append((f"{heading}-{sum(h.startswith(heading) for h, _ in out)}", match.group(2)))
    return out


BLOCKS = _blocks()


def test_the_doc_has_examples() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::UserWarning", "ignore:.*LeafSpec"
)
@pytest.mark.parametrize("code", [c for _, c in BLOCKS], ids=[i for i, _ in BLOCKS])
def test_doc_example_runs(code: str, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # whatever an example writes lands here
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    try:
        exec(compile(code, str(DOC), "exec"), {"__name__": "__doc_example__"})
    except ModuleNotFoundError as exc:
        if IN_CI:
            raise
        pytest.skip(f"{exc.name} is not installed; skipped outside CI")
    assert capsys.readouterr().out.strip()  # each example prints its result
