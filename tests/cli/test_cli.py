from __future__ import annotations

import subprocess
import sys

import pytest

import hypersweep as hs
from hypersweep.cli.main import main


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hypersweep", *args], capture_output=True, text=True, timeout=300
    )


def test_version() -> None:
    out = _cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"hypersweep {hs.__version__}"


def test_demo_tunes_an_svm_on_digits() -> None:
    out = _cli("demo", "--n-trials", "4", "--seed", "1", "--top", "3")
    assert out.returncode == 0, out.stderr
    assert "Best trial: #" in out.stdout
    assert "Top 3 of 4 trials:" in out.stdout
    error = float(out.stdout.split("validation error ")[1].split()[0])
    assert 0.0 <= error < 0.9  # better than chance (0.9) on ten classes


def test_unknown_storage_urls_are_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studies", "list", "--storage", "ftp://x"]) == 2
    assert "Unknown storage URL" in capsys.readouterr().err


def test_listing_an_in_memory_storage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studies", "list", "--storage", "memory"]) == 0
    assert "study" in capsys.readouterr().out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out
