"""The report generator on small pytest-benchmark documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
import report

REPORT = Path(__file__).with_name("report.py")


def _bench(
    group: str,
    implementation: str,
    median: float,
    floor: Optional[str] = None,
    target: Optional[float] = None,
    backend: Optional[str] = None,
) -> dict[str, Any]:
    extra: dict[str, Any] = {"implementation": implementation}
    if floor is not None:
        extra["floor"] = floor
    if target is not None:
        extra["target"] = target
    if backend is not None:
        extra["backend"] = backend
        extra["through_purepki"] = implementation.startswith("purepki")
    return {
        "group": group,
        "name": f"test_{implementation}",
        "stats": {"median": median, "rounds": 5},
        "extra_info": extra,
    }


def _document(*benchmarks: dict[str, Any]) -> dict[str, Any]:
    return {"benchmarks": list(benchmarks)}


def test_ratio_to_floor_met() -> None:
    rows = report.load_rows(
        _document(
            _bench("sign", "raw", 2.0),
            _bench("sign", "lib", 2.2, floor="raw", target=1.15),
        )
    )
    verdict = report.judge(rows[1], rows)
    assert verdict.ratio is not None
    assert abs(verdict.ratio - 1.1) < 1e-9
    assert verdict.met is True


def test_ratio_over_target_not_met() -> None:
    rows = report.load_rows(
        _document(
            _bench("sign", "raw", 2.0),
            _bench("sign", "lib", 2.4, floor="raw", target=1.15),
        )
    )
    assert report.judge(rows[1], rows).met is False


def test_floor_found_in_own_group_only() -> None:
    rows = report.load_rows(
        _document(
            _bench("verify", "raw", 1.0),
            _bench("sign", "lib", 2.0, floor="raw", target=1.1),
        )
    )
    verdict = report.judge(rows[1], rows)
    assert verdict.ratio is None
    assert verdict.met is False


def test_context_row_has_ratio_without_verdict() -> None:
    rows = report.load_rows(
        _document(
            _bench("sign", "raw", 2.0),
            _bench("sign", "other", 1.0, floor="raw"),
        )
    )
    verdict = report.judge(rows[1], rows)
    assert verdict.ratio == 0.5
    assert verdict.met is None


def test_render_puts_floor_first() -> None:
    text, all_met = report.render(
        _document(
            _bench("sign", "lib", 2.2, floor="raw", target=1.15),
            _bench("sign", "raw", 2.0),
        )
    )
    table = [line for line in text.splitlines() if line.startswith("| sign")]
    assert table[0].startswith("| sign |  | raw | 2 s | 5 | floor |")
    assert "| 1.100x raw (medians) |  | ≤ 1.15 | met |" in table[1]
    assert all_met


def _two_backends() -> dict[str, Any]:
    return _document(
        _bench("sign", "cryptography", 0.1, backend="cryptography"),
        _bench(
            "sign",
            "purepki (cryptography)",
            0.12,
            floor="cryptography",
            target=1.25,
            backend="cryptography",
        ),
        _bench("sign", "raw", 2.0, backend="pure"),
        _bench("sign", "purepki (pure)", 2.4, floor="raw", backend="pure"),
    )


def test_ratio_between_backends() -> None:
    rows = report.load_rows(_two_backends())
    via = next(
        row
        for row in rows
        if row.backend == "cryptography" and row.through_purepki
    )
    between = report.between_backends(via, rows)
    assert between is not None
    assert abs(between[0] - 0.05) < 1e-9
    assert between[1] == "medians"


def test_pure_row_has_no_ratio_between_backends() -> None:
    rows = report.load_rows(_two_backends())
    pure = next(row for row in rows if row.implementation == "purepki (pure)")
    assert report.between_backends(pure, rows) is None


def test_render_orders_pure_suite_first() -> None:
    text, all_met = report.render(_two_backends())
    table = [line for line in text.splitlines() if line.startswith("| sign")]
    labels = [line.split(" | ")[2] for line in table]
    assert labels == [
        "raw",
        "purepki (pure)",
        "cryptography",
        "purepki (cryptography)",
    ]
    assert "| 0.050x pure (medians) |" in table[3]
    assert all_met


def test_slices_pool_their_rounds() -> None:
    first = _bench("sign", "lib", 0.0)
    second = _bench("sign", "lib", 0.0)
    first["stats"]["data"] = [1.0, 2.0, 3.0]
    second["stats"]["data"] = [4.0, 5.0]
    rows = report.load_rows(_document(first, second))
    assert len(rows) == 1
    assert rows[0].median == 3.0
    assert rows[0].rounds == 5


def test_slices_without_data_use_median_of_medians() -> None:
    rows = report.load_rows(
        _document(
            _bench("sign", "lib", 1.0),
            _bench("sign", "lib", 9.0),
            _bench("sign", "lib", 2.0),
        )
    )
    assert rows[0].median == 2.0
    assert rows[0].rounds == 15


def _slice(
    implementation: str,
    number: int,
    median: float,
    floor: Optional[str] = None,
) -> dict[str, Any]:
    bench = _bench("sign", implementation, median, floor, 1.1)
    bench["extra_info"]["slice"] = number
    return bench


def test_ratio_of_slices_pairs_slices() -> None:
    # Slice 1 ran while the machine was three times slower.
    rows = report.load_rows(
        _document(
            _slice("raw", 0, 1.0),
            _slice("lib", 0, 1.05, floor="raw"),
            _slice("raw", 1, 3.0),
            _slice("lib", 1, 3.3, floor="raw"),
            _slice("raw", 2, 1.0),
            _slice("lib", 2, 1.02, floor="raw"),
        )
    )
    verdict = report.judge(rows[1], rows)
    assert verdict.ratio is not None
    assert abs(verdict.ratio - 1.05) < 1e-9
    assert verdict.method == "3 slices"


def test_ratio_of_medians_when_requested() -> None:
    benches = [_slice("raw", number, 1.0 + number) for number in range(3)] + [
        _slice("lib", number, 2.0, floor="raw") for number in range(3)
    ]
    for bench in benches:
        bench["extra_info"]["ratio_of"] = "medians"
    rows = report.load_rows(_document(*benches))
    verdict = report.judge(rows[1], rows)
    assert verdict.ratio == 1.0
    assert verdict.method == "medians"


def test_format_seconds_units() -> None:
    assert report.format_seconds(2.5) == "2.5 s"
    assert report.format_seconds(0.0123) == "12.3 ms"
    assert report.format_seconds(0.000302) == "302 µs"
    assert report.format_seconds(5e-8) == "50 ns"


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPORT), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_exit_status_for_missed_target(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    document = _document(
        _bench("sign", "raw", 1.0),
        _bench("sign", "lib", 3.0, floor="raw", target=1.1),
    )
    path.write_text(json.dumps(document), encoding="utf-8")
    completed = _run(path)
    assert completed.returncode == 1
    assert "NOT MET" in completed.stdout


def test_exit_status_for_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("{not json", encoding="utf-8")
    completed = _run(path)
    assert completed.returncode == 2
    assert "cannot read benchmark results" in completed.stderr


def test_chart_is_small_png() -> None:
    pytest.importorskip("matplotlib")
    import chart

    png = chart.draw(_two_backends(), "title", "subtitle")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) < 150_000


def test_chart_roles_follow_backend() -> None:
    import chart

    rows = report.load_rows(_two_backends())
    floors = {("sign", "raw"), ("sign", "cryptography")}
    roles = {row.implementation: chart.role(row, floors) for row in rows}
    assert roles == {
        "cryptography": "other floor",
        "purepki (cryptography)": "other",
        "raw": "pure floor",
        "purepki (pure)": "pure",
    }


def test_footprint_render_marks_goals() -> None:
    import footprint

    def command(label: str, memory: float, wall: float) -> dict[str, Any]:
        return {
            "label": label,
            "compared": label != footprint.DEPENDENCIES,
            "peak_kib": memory * 1024,
            "wall_s": wall,
            "wall_s_range": [wall, wall],
            "memory_ratio": memory / 20.0,
            "time_ratio": wall / 0.2,
        }

    document = {
        "target": 1.3,
        "commands": [
            command(footprint.DEPENDENCIES, 20.0, 0.2),
            command("import purepki", 25.0, 0.5),
        ],
        "import_times": [],
    }
    text, all_met = footprint.render(document)
    line = next(row for row in text.splitlines() if "import purepki" in row)
    assert "| 1.25x | 2.50x | met | NOT MET |" in line
    assert not all_met


def test_import_time_lines_parse() -> None:
    import footprint

    text = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        450 |   purepki.keys\n"
    )
    assert footprint._parse_import_times(text) == [("purepki.keys", 120, 450)]
