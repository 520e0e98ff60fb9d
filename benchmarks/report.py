"""Print pytest-benchmark results as a Markdown table of ratios to floors.

Usage::

    python benchmarks/report.py RESULTS.json [MORE.json ...]

Each file is the output of ``pytest --benchmark-json=RESULTS.json`` and
gets its own table, because ratios are meaningful only between rows
measured in one run. A row reads the ``extra_info`` of its benchmarks:
``implementation`` labels the row, ``floor`` names the ``implementation``
of another row in the same group that it is divided by, ``target`` is the
largest ratio that meets the target, ``slice`` numbers the runs of one
row, and ``ratio_of`` chooses how the ratio is computed:

- ``slices`` (the default when the row and its floor have slices with
  the same numbers): the median over slices of the row's slice median
  divided by the floor's median in the same slice. The runs of one slice
  are next to each other in time, so a change in machine speed between
  slices cancels out.
- ``medians``: the row's median over all its rounds divided by the
  floor's. Key generation uses this, because each of its rounds takes a
  random time and a slice holds only a few rounds.

The group names the operation. Benchmarks without ``implementation`` are
shown under their test name.

A row with ``through_purepki`` and a ``backend`` other than ``pure`` also
gets the ratio between backends: it is divided, by the same method, by
the ``pure`` row of its group that runs through purepki.

Exit status: 0 when every target is met, 1 when a target is missed or
cannot be checked because its floor is missing from the file, 2 when a
file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

#: Fewest slices in common with the floor for a ratio of slices.
MIN_PAIRED_SLICES = 3


@dataclass(frozen=True)
class Row:
    """One operation and implementation of a results file.

    Attributes:
        median: Median time of one call over every round, in seconds.
        rounds: Rounds over all slices.
        slice_medians: (slice number, median time) for each slice.
        ratio_of: ``slices`` or ``medians``, as the module docstring
            describes.
    """

    operation: str
    implementation: str
    median: float
    rounds: int
    floor: Optional[str]
    target: Optional[float]
    slice_medians: tuple[tuple[int, float], ...] = ()
    ratio_of: str = "slices"
    backend: Optional[str] = None
    through_purepki: bool = False


#: The backend that other backends are compared with.
REFERENCE_BACKEND = "pure"


@dataclass(frozen=True)
class Verdict:
    """A row's ratio to its floor and whether it meets its target."""

    ratio: Optional[float]
    met: Optional[bool]
    method: str = ""
    note: str = ""


def load_rows(results: dict[str, Any]) -> list[Row]:
    """Return the rows of a pytest-benchmark JSON document, in run order.

    Raises:
        KeyError: A benchmark lacks the ``stats`` pytest-benchmark writes.
        ValueError: The document lists no benchmarks.
    """
    benchmarks = (
        results.get("benchmarks") if isinstance(results, dict) else None
    )
    if not benchmarks:
        raise ValueError("the file lists no benchmarks")
    slices: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for bench in benchmarks:
        operation = bench.get("group") or bench["name"]
        extra = bench.get("extra_info", {})
        implementation = extra.get("implementation", bench["name"])
        slices.setdefault((operation, implementation), []).append(bench)
    return [
        _merge(operation, implementation, members)
        for (operation, implementation), members in slices.items()
    ]


def _merge(
    operation: str, implementation: str, members: list[dict[str, Any]]
) -> Row:
    """Make one row of the slices of an operation and implementation.

    The median is over the rounds of every slice when the file has them
    (``--benchmark-json`` writes them as ``stats.data``), and otherwise
    the median of the slices' medians.
    """
    stats = [member["stats"] for member in members]
    if all("data" in stat for stat in stats):
        rounds = [float(time) for stat in stats for time in stat["data"]]
        median = statistics.median(rounds)
        count = len(rounds)
    else:
        median = statistics.median(float(stat["median"]) for stat in stats)
        count = sum(int(stat["rounds"]) for stat in stats)

    slice_medians = []
    for member in members:
        number = member.get("extra_info", {}).get("slice")
        if isinstance(number, int):
            slice_medians.append((number, float(member["stats"]["median"])))

    extra = members[0].get("extra_info", {})
    target = extra.get("target")
    return Row(
        operation=operation,
        implementation=implementation,
        median=median,
        rounds=count,
        floor=extra.get("floor"),
        target=None if target is None else float(target),
        slice_medians=tuple(sorted(slice_medians)),
        ratio_of=extra.get("ratio_of", "slices"),
        backend=extra.get("backend"),
        through_purepki=bool(extra.get("through_purepki", False)),
    )


def _ratio(row: Row, floor: Row) -> tuple[float, str]:
    """Return the ratio of a row to its floor and the method used."""
    row_slices = dict(row.slice_medians)
    floor_slices = dict(floor.slice_medians)
    common = sorted(set(row_slices) & set(floor_slices))
    if row.ratio_of == "slices" and len(common) >= MIN_PAIRED_SLICES:
        ratios = [
            row_slices[number] / floor_slices[number] for number in common
        ]
        return statistics.median(ratios), f"{len(common)} slices"
    return row.median / floor.median, "medians"


def judge(row: Row, rows: list[Row]) -> Verdict:
    """Compare a row with its floor, found by group and implementation."""
    if row.floor is None:
        return Verdict(ratio=None, met=None)
    floors = [
        other
        for other in rows
        if other.operation == row.operation
        and other.implementation == row.floor
    ]
    if not floors:
        met = None if row.target is None else False
        note = f"floor {row.floor!r} not in results"
        return Verdict(None, met, note=note)
    ratio, method = _ratio(row, floors[0])
    met = None if row.target is None else ratio <= row.target
    return Verdict(ratio, met, method)


def between_backends(row: Row, rows: list[Row]) -> Optional[tuple[float, str]]:
    """Return a row's ratio to the ``pure`` row of its group, and the
    method used, for a row through purepki with another backend.

    Returns:
        None for other rows, and when the group has no ``pure`` row
        through purepki.
    """
    if not row.through_purepki or row.backend in (None, REFERENCE_BACKEND):
        return None
    for other in rows:
        if (
            other.operation == row.operation
            and other.through_purepki
            and other.backend == REFERENCE_BACKEND
        ):
            return _ratio(row, other)
    return None


def format_seconds(seconds: float) -> str:
    """Format a duration with three significant digits and a unit."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def ordered(rows: list[Row]) -> list[Row]:
    """Group rows by operation in run order. Within an operation, the
    ``pure`` suite comes first, then the other backends, then rows of no
    backend, and each suite lists its floor, its rows through purepki or
    with a target, then context rows."""
    operations = list(dict.fromkeys(row.operation for row in rows))
    result = []
    for operation in operations:
        members = [row for row in rows if row.operation == operation]
        result += sorted(members, key=_position)
    return result


def _position(row: Row) -> tuple[int, str, int]:
    if row.backend == REFERENCE_BACKEND:
        suite = 0
    elif row.backend is not None:
        suite = 1
    else:
        suite = 2
    if row.floor is None:
        role = 0
    elif row.target is not None or row.through_purepki:
        role = 1
    else:
        role = 2
    return suite, row.backend or "", role


def _table_line(row: Row, verdict: Verdict, rows: list[Row]) -> str:
    if row.floor is None:
        ratio = "floor"
    elif verdict.ratio is None:
        ratio = f"n/a ({verdict.note})"
    else:
        ratio = f"{verdict.ratio:.3f}x {row.floor} ({verdict.method})"
    between = between_backends(row, rows)
    backends = (
        ""
        if between is None
        else f"{between[0]:.3f}x {REFERENCE_BACKEND} ({between[1]})"
    )
    target = "" if row.target is None else f"≤ {row.target:g}"
    met = {True: "met", False: "NOT MET", None: ""}[verdict.met]
    if verdict.met is False and verdict.ratio is None:
        met = "NOT CHECKED"
    cells = (
        row.operation,
        row.backend or "",
        row.implementation,
        format_seconds(row.median),
        str(row.rounds),
        ratio,
        backends,
        target,
        met,
    )
    return "| " + " | ".join(cells) + " |"


def describe_run(results: dict[str, Any]) -> list[str]:
    """Return lines naming the machine, the software and the date."""
    machine = results.get("machine_info", {})
    cpu = machine.get("cpu", {})
    versions = results.get("library_versions", {})
    software = ", ".join(f"{name} {v}" for name, v in versions.items())
    options = results["benchmarks"][0].get("options", {})
    lines = [
        f"- Date: {results.get('datetime', 'unknown')}",
        f"- Python: {machine.get('python_implementation', '')} "
        f"{machine.get('python_version', 'unknown')}",
        f"- CPU: {cpu.get('brand_raw', 'unknown')}, "
        f"{cpu.get('count', '?')} cores",
        f"- Timer: {options.get('timer', 'unknown')}",
    ]
    if software:
        lines.append(f"- Libraries: {software}")
    return lines


def render(results: dict[str, Any]) -> tuple[str, bool]:
    """Return the Markdown report of one results document and whether
    every target in it is met.

    Raises:
        KeyError: A benchmark lacks the ``stats`` pytest-benchmark writes.
        ValueError: The document lists no benchmarks.
    """
    lines = describe_run(results)
    table, all_met = render_table(results)
    return "\n".join([*lines, "", table]), all_met


#: The header of the table that :func:`render_table` writes.
TABLE_HEADER = (
    "| operation | backend | implementation | median | rounds "
    "| ratio to floor | ratio between backends | target | result |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def render_table(results: dict[str, Any]) -> tuple[str, bool]:
    """Return the Markdown table of one results document and whether
    every target in it is met.

    Raises:
        KeyError: A benchmark lacks the ``stats`` pytest-benchmark writes.
        ValueError: The document lists no benchmarks.
    """
    rows = load_rows(results)
    lines = [TABLE_HEADER]
    all_met = True
    for row in ordered(rows):
        verdict = judge(row, rows)
        if verdict.met is False:
            all_met = False
        lines.append(_table_line(row, verdict, rows))
    return "\n".join(lines), all_met


def main(argv: Optional[list[str]] = None) -> int:
    """Print one table per results file and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results",
        nargs="+",
        type=Path,
        help="JSON file written by pytest --benchmark-json",
    )
    arguments = parser.parse_args(argv)
    all_met = True
    for path in arguments.results:
        try:
            results = json.loads(path.read_text(encoding="utf-8"))
            report, met = render(results)
        except (OSError, ValueError, KeyError) as error:
            print(
                f"report.py: cannot read benchmark results {path}: "
                f"{error!r}. Pass the file written by --benchmark-json.",
                file=sys.stderr,
            )
            return 2
        print(f"## {path.name}\n\n{report}\n")
        all_met = all_met and met
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
