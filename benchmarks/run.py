"""Run the benchmark suites and the footprint measurement, write a report.

Usage::

    python benchmarks/run.py --out benchmarks/report

writes ``report.md`` (machine, software, targets, the table of every
row and the footprint tables) and ``chart.png`` (median times on a log
scale) into the ``--out`` folder. The pytest-benchmark and footprint
JSON files go to a temporary folder unless ``--json-dir`` names one.
``--results`` and ``--footprint`` reuse JSON files of an earlier run
instead of measuring again.

Exit status: 0 when every target and footprint goal is met, 1 when one
is missed, 2 when a suite fails or a results file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

import chart
import footprint
import report

BENCHMARKS = Path(__file__).resolve().parent
SUITES = (
    "test_bench_keys.py",
    "test_bench_verify.py",
    "test_bench_x509.py",
    "test_bench_unlock.py",
)
COMMAND = "python benchmarks/run.py --out benchmarks/report"


def run_suites(destination: Path, pytest_args: list[str]) -> None:
    """Run the pytest-benchmark suites, writing their JSON to
    ``destination``.

    Raises:
        RuntimeError: pytest reports a failure.
    """
    argv = [
        sys.executable,
        "-m",
        "pytest",
        *(str(BENCHMARKS / suite) for suite in SUITES),
        "-q",
        "-p",
        "no:cacheprovider",
        f"--benchmark-json={destination}",
        "--benchmark-quiet",
        *pytest_args,
    ]
    completed = subprocess.run(argv, cwd=BENCHMARKS.parent, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"the benchmark suites failed (pytest exit status "
            f"{completed.returncode}); see the pytest output above"
        )


def _cpu(results: dict[str, Any]) -> str:
    cpu = results.get("machine_info", {}).get("cpu", {})
    brand = cpu.get("brand_raw") or platform.processor() or "unknown CPU"
    count = cpu.get("count") or os.cpu_count()
    return f"{brand}, {count} logical cores"


def header(results: dict[str, Any], footprint_result: dict[str, Any]) -> str:
    """Return the Markdown lines naming the run: date, machine, software."""
    machine = results.get("machine_info", {})
    versions = results.get("library_versions", {})
    software = ", ".join(f"{name} {v}" for name, v in versions.items())
    system = f"{machine.get('system', '')} {machine.get('release', '')}"
    lines = [
        f"- Date: {results.get('datetime', 'unknown')} (UTC)",
        f"- Command: `{COMMAND}`",
        f"- Machine: {_cpu(results)}; {system.strip()}",
        f"- Python: {machine.get('python_implementation', '')} "
        f"{machine.get('python_version', footprint_result['python'])}",
        f"- Libraries: {software}",
        "- Timer: CPU time of the benchmark process "
        "(`time.process_time`) for the suites; wall time for the "
        "footprint",
    ]
    return "\n".join(lines)


def _target_lines(results: dict[str, Any]) -> list[str]:
    rows = report.load_rows(results)
    lines = []
    for row in report.ordered(rows):
        if row.target is None:
            continue
        verdict = report.judge(row, rows)
        ratio = "n/a" if verdict.ratio is None else f"{verdict.ratio:.3f}x"
        result = "met" if verdict.met else "NOT MET"
        lines.append(
            f"- {row.operation}, {row.implementation}: {ratio} "
            f"{row.floor} (target ≤ {row.target:g}): {result}"
        )
    return lines


def _footprint_lines(footprint_result: dict[str, Any]) -> list[str]:
    target = float(footprint_result["target"])
    lines = []
    for row in footprint_result["commands"]:
        if not row["compared"]:
            continue
        for kind in ("memory", "time"):
            ratio = row[f"{kind}_ratio"]
            result = "met" if ratio <= target else "NOT MET"
            lines.append(
                f"- {row['label']}, {kind}: {ratio:.2f}x the dependency "
                f"import (goal ≤ {target:g}): {result}"
            )
    return lines


def page(results: dict[str, Any], footprint_result: dict[str, Any]) -> str:
    """Return the whole Markdown report."""
    table, _ = report.render_table(results)
    footprint_tables, _ = footprint.render(footprint_result)
    sections = [
        "# purepki benchmark report",
        header(results, footprint_result),
        "## Targets",
        "\n".join(_target_lines(results) + _footprint_lines(footprint_result)),
        "## Operations",
        "Ratios come from one run. `ratio to floor` divides a row by "
        "the row named in it; `ratio between backends` divides a row "
        "through purepki with the cryptography backend by the pure row "
        "of the same operation. `benchmarks/README.md` describes how "
        "the slices pair rows and what each row measures.",
        "![Median time per call of every row, log scale](chart.png)",
        table,
        "## Footprint",
        f"Peak resident set size and wall time of fresh processes, "
        f"median of {footprint_result['repeats']} runs each (range in "
        f"brackets). Ratios are to `dependencies`: `python -c "
        f'"{footprint_result["dependency_import"]}"`.',
        footprint_tables,
    ]
    return "\n\n".join(sections) + "\n"


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _all_met(
    results: dict[str, Any], footprint_result: dict[str, Any]
) -> bool:
    _, suites_met = report.render_table(results)
    _, footprint_met = footprint.render(footprint_result)
    return suites_met and footprint_met


def main(argv: Optional[list[str]] = None) -> int:
    """Measure, write the report and the chart, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder for report.md and chart.png (created if missing)",
    )
    parser.add_argument(
        "--json-dir",
        type=Path,
        help="folder for bench.json and footprint.json (default: a "
        "temporary folder, removed afterwards)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="reuse this pytest-benchmark JSON instead of running the suites",
    )
    parser.add_argument(
        "--footprint",
        type=Path,
        help="reuse this footprint JSON instead of measuring again",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=footprint.DEFAULT_REPEATS,
        help="runs of each footprint command (default: "
        f"{footprint.DEFAULT_REPEATS})",
    )
    parser.add_argument(
        "pytest_args",
        nargs="*",
        help="extra pytest arguments for the suites, after --",
    )
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="purepki-bench-") as tmp:
        folder = arguments.json_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return _run(arguments, folder)
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            print(f"run.py: {error}", file=sys.stderr)
            return 2


def _run(arguments: argparse.Namespace, folder: Path) -> int:
    results_path = arguments.results
    if results_path is None:
        results_path = folder / "bench.json"
        run_suites(results_path, arguments.pytest_args)
    results = _load(results_path)
    if arguments.footprint is not None:
        footprint_result = _load(arguments.footprint)
    else:
        footprint_result = footprint.run(arguments.repeats)
        (folder / "footprint.json").write_text(
            json.dumps(footprint_result, indent=2), encoding="utf-8"
        )

    out: Path = arguments.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(
        page(results, footprint_result), encoding="utf-8"
    )
    subtitle = (
        f"{_cpu(results)}; Python "
        f"{results.get('machine_info', {}).get('python_version', '?')}; "
        f"{results.get('datetime', '')[:10]}; CPU time per call"
    )
    chart.write(
        results,
        out / "chart.png",
        "purepki: median time per call, each backend beside its floor",
        subtitle,
    )
    print(f"wrote {out / 'report.md'} and {out / 'chart.png'}")
    return 0 if _all_met(results, footprint_result) else 1


if __name__ == "__main__":
    sys.exit(main())
