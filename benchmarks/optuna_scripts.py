"""Run real Optuna scripts twice, with Optuna and with ``import hypersweep as optuna``.

Each ``*.py`` under a directory runs in a subprocess of its own, in a fresh working
directory, once unchanged and once with its imports rewritten (``import optuna`` ->
``import hypersweep as optuna``, ``from optuna.x import y`` -> ``from hypersweep.x import y``;
nothing else changes). Both runs get the same environment: ``OMP_NUM_THREADS=1``, a
headless matplotlib/plotly, offline W&B, and the same timeout. A script "behaves like
Optuna" when the hypersweep run exits as the Optuna run did, prints no traceback where the
Optuna run printed none, prunes trials exactly when Optuna pruned some, and has no failed
trial where Optuna had none (pruned and failed trials are counted from the INFO/WARNING
lines both libraries print). Scripts are run one at a time.

    python benchmarks/optuna_scripts.py /tmp/optuna_scripts --cache /tmp/optuna_runs.json \
        --hs-path src --markdown /tmp/table.md

``--cache`` keeps the Optuna runs (they do not change between hypersweep versions);
``--hs-path`` is put first on ``PYTHONPATH`` for the hypersweep runs (an older checkout's
``src`` to measure it); ``--optuna-path`` is added for the Optuna runs only (e.g. a folder
holding ``optuna_integration``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_IMPORT = re.compile(r"^(\s*)import optuna(\.[\w.]+)?( as \w+)?\s*$", re.MULTILINE)
_FROM = re.compile(r"^(\s*)from optuna(\.[\w.]+)? import ", re.MULTILINE)
# Put first on both runs' PYTHONPATH: figures are drawn but never shown (no browser, no
# IPython), identically for Optuna and hypersweep.
_SITECUSTOMIZE = """
try:
    import plotly.basedatatypes
    plotly.basedatatypes.BaseFigure.show = lambda self, *args, **kwargs: None
except ImportError:
    pass
"""
_PRUNED = re.compile(r"Trial (\d+) (?:pruned\b|finished \(PRUNED\))")
_FAILED = re.compile(r"Trial (\d+) (?:failed\b|finished \(FAIL\))")


@dataclass
class Run:
    """The outcome of one script under one library."""

    rc: int
    seconds: float
    traceback: bool
    pruned: int
    failed: int
    last_error: str


def rewrite(source: str) -> str:
    """Return ``source`` with its Optuna imports pointing at hypersweep, nothing else changed.

    >>> print(rewrite("import optuna\\nimport optuna.integration.lightgbm as lgb\\n"
    ...               "from optuna.trial import TrialState\\n    import optuna.visualization"))
    import hypersweep as optuna
    import hypersweep.integration.lightgbm as lgb
    from hypersweep.trial import TrialState
        import hypersweep.visualization; import hypersweep as optuna
    """

    def _import(m: re.Match[str]) -> str:
        indent, sub, alias = m.group(1), m.group(2) or "", m.group(3) or ""
        if not sub:
            return f"{indent}import hypersweep{alias or ' as optuna'}"
        if alias:
            return f"{indent}import hypersweep{sub}{alias}"
        return f"{indent}import hypersweep{sub}; import hypersweep as optuna"

    source = _IMPORT.sub(_import, source)
    return _FROM.sub(lambda m: f"{m.group(1)}from hypersweep{m.group(2) or ''} import ", source)


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Count trials matched by ``pattern``, one per run of consecutive lines on one trial."""
    count, last = 0, None
    for line in text.splitlines():
        m = pattern.search(line)
        if m is None:
            continue
        if m.group(1) != last:
            count += 1
        last = m.group(1)
    return count


def _last_error(text: str) -> str:
    lines = [
        ln for ln in text.splitlines() if re.match(r"^\w+(\.\w+)*(Error|Exception|Warning)?: ", ln)
    ]
    return lines[-1][:160] if lines else ""


def run_script(path: Path, *, hypersweep: bool, timeout: float, pythonpath: str) -> Run:
    """Run one script (rewritten when ``hypersweep``) in a fresh directory and summarise it."""
    source = path.read_text()
    with tempfile.TemporaryDirectory(prefix="optuna_script_") as cwd:
        script = Path(cwd) / path.name
        script.write_text(rewrite(source) if hypersweep else source)
        site = Path(cwd) / "_site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(_SITECUSTOMIZE)
        env = dict(os.environ)
        env.update(
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            MPLBACKEND="Agg",
            BROWSER="true",
            WANDB_MODE="offline",
            PYTHONPATH=os.pathsep.join(
                p for p in (str(site), pythonpath, env.get("PYTHONPATH", "")) if p
            ),
        )
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, script.name],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            rc = 124
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        seconds = time.perf_counter() - start
    logs = err + "\n" + out
    return Run(
        rc=rc,
        seconds=round(seconds, 1),
        traceback="Traceback (most recent call last)" in err,
        pruned=_count(_PRUNED, logs),
        failed=_count(_FAILED, logs),
        last_error=_last_error(err),
    )


def verdict(optuna: Run, hs: Run) -> str:
    """``"ok"`` when ``hs`` behaves like ``optuna``, else the first difference found."""
    if optuna.rc not in (0, 124):
        return "optuna fails"
    if hs.rc != optuna.rc:
        return f"exit {hs.rc}: {hs.last_error}" if hs.rc else f"exit 0, optuna {optuna.rc}"
    if hs.traceback and not optuna.traceback:
        return f"traceback: {hs.last_error}"
    if (hs.pruned > 0) != (optuna.pruned > 0):
        return f"pruned {hs.pruned} vs optuna {optuna.pruned}"
    if hs.failed and not optuna.failed:
        return f"{hs.failed} failed trials"
    return "ok"


def main(argv: list[str] | None = None) -> int:
    """Command line: run the scripts, print a table and the count of scripts that behave alike."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--cache", type=Path, help="JSON file keeping the Optuna runs")
    parser.add_argument("--hs-path", default="", help="PYTHONPATH entry for the hypersweep runs")
    parser.add_argument("--optuna-path", default="", help="PYTHONPATH entry for the Optuna runs")
    parser.add_argument("--only", nargs="*", help="names of the scripts to run (default: all)")
    parser.add_argument("--json", type=Path, help="write every run here")
    parser.add_argument("--markdown", type=Path, help="write the table here")
    args = parser.parse_args(argv)

    cache: dict[str, dict[str, object]] = (
        json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    )
    scripts = sorted(args.directory.rglob("*.py"))
    if args.only:
        scripts = [p for p in scripts if p.name in args.only or p.stem in args.only]
    rows: list[tuple[str, Run, Run, str]] = []
    for path in scripts:
        key = str(path.relative_to(args.directory))
        if key in cache:
            optuna = Run(**cache[key])  # type: ignore[arg-type]
        else:
            optuna = run_script(
                path, hypersweep=False, timeout=args.timeout, pythonpath=args.optuna_path
            )
            cache[key] = asdict(optuna)
            if args.cache:
                args.cache.write_text(json.dumps(cache, indent=1))
        hs = run_script(path, hypersweep=True, timeout=args.timeout, pythonpath=args.hs_path)
        rows.append((key, optuna, hs, verdict(optuna, hs)))
        print(f"{key}: {rows[-1][3]} ({optuna.seconds}s / {hs.seconds}s)", flush=True)

    lines = [
        "| script | optuna rc / pruned / failed | hypersweep rc / pruned / failed | verdict |",
        "|---|---|---|---|",
    ]
    for key, o, h, v in rows:
        lines.append(
            f"| {key} | {o.rc} / {o.pruned} / {o.failed} | {h.rc} / {h.pruned} / {h.failed} | {v} |"
        )
    counted = [r for r in rows if r[3] != "optuna fails"]
    same = sum(r[3] == "ok" for r in counted)
    lines.append(
        f"\n{same} of {len(counted)} scripts behave like Optuna"
        f" ({len(rows) - len(counted)} fail with Optuna)."
    )
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"script": k, "optuna": asdict(o), "hypersweep": asdict(h), "verdict": v}
                    for k, o, h, v in rows
                ],
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
