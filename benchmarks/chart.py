"""Draw the benchmark rows as a bar chart of median times on a log scale.

One block of bars per operation, in the order of the report table. The
colour shows the row's role: purepki with the pure backend and its
floor, purepki with the cryptography backend and its floor, or another
library shown for context. Needs matplotlib (the ``bench`` extra).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from report import REFERENCE_BACKEND, Row, format_seconds, load_rows, ordered

#: Fill colour by role, and the legend label of each.
COLOURS = {
    "pure": ("#1f5fa8", "purepki, pure backend"),
    "pure floor": ("#9cc3e6", "floor of the pure rows"),
    "other": ("#e0620d", "purepki, cryptography backend"),
    "other floor": ("#f7b77f", "floor of the cryptography rows"),
    "purepki": ("#505050", "purepki, no backend call"),
    "context": ("#c4c4c4", "its floor, or context"),
}

#: Inches per bar and per operation heading.
BAR_HEIGHT = 0.2
HEADING_HEIGHT = 0.3
LEGEND_HEIGHT = 0.45
TITLE_HEIGHT = 0.65
WIDTH = 9.0
DPI = 90


def role(row: Row, floors: set[tuple[str, str]]) -> str:
    """Return the key in :data:`COLOURS` for a row.

    Args:
        row: The row.
        floors: (operation, implementation) of every row that another
            row of the same backend names as its floor.
    """
    if row.backend is None:
        return (
            "context"
            if row.floor is None or row.target is None
            else ("purepki")
        )
    suite = "pure" if row.backend == REFERENCE_BACKEND else "other"
    if (row.operation, row.implementation) in floors:
        return f"{suite} floor"
    if row.through_purepki:
        return suite
    return "context"


def _floors(rows: list[Row]) -> set[tuple[str, str]]:
    return {
        (row.operation, row.floor)
        for row in rows
        if row.floor is not None and row.backend is not None
    }


def draw(results: dict[str, Any], title: str, subtitle: str) -> bytes:
    """Return the chart of one pytest-benchmark document as PNG bytes.

    The image is reduced to a palette of 64 colours, which keeps it near
    a tenth of the size of a full-colour PNG of flat bars and text.

    Raises:
        KeyError: A benchmark lacks the ``stats`` pytest-benchmark writes.
        ValueError: The document lists no benchmarks.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    rows = ordered(load_rows(results))
    floors = _floors(rows)
    operations = list(dict.fromkeys(row.operation for row in rows))
    height = (
        len(rows) * BAR_HEIGHT
        + len(operations) * HEADING_HEIGHT
        + 1.0
        + LEGEND_HEIGHT
        + TITLE_HEIGHT
    )
    figure, axes = plt.subplots(figsize=(WIDTH, height), dpi=DPI)

    position = 0.0
    ticks, labels = [], []
    for operation in operations:
        axes.text(
            0.005,
            position - 0.3,
            operation,
            transform=axes.get_yaxis_transform(),
            fontsize=8.5,
            fontweight="bold",
            va="center",
            ha="left",
        )
        position += 0.7
        for row in (row for row in rows if row.operation == operation):
            colour = COLOURS[role(row, floors)][0]
            axes.barh(position, row.median, height=0.8, color=colour)
            axes.text(
                row.median * 1.08,
                position,
                format_seconds(row.median),
                va="center",
                fontsize=7,
            )
            ticks.append(position)
            labels.append(row.implementation)
            position += 1.0
        position += 0.4

    axes.set_xscale("log")
    axes.set_yticks(ticks, labels, fontsize=7)
    axes.set_ylim(position, -0.8)
    low = min(row.median for row in rows)
    high = max(row.median for row in rows)
    axes.set_xlim(low / 2, high * 8)
    axes.set_xlabel("median time per call, seconds (log scale)", fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    axes.grid(axis="x", which="major", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [
        Patch(color=colour, label=label) for colour, label in COLOURS.values()
    ]
    figure.legend(
        handles=handles, loc="lower center", ncol=3, fontsize=7, frameon=False
    )
    figure.text(
        0.01, 1 - 0.25 / height, title, fontsize=11, va="center", ha="left"
    )
    figure.text(
        0.01,
        1 - 0.5 / height,
        subtitle,
        fontsize=7,
        color="#444444",
        va="center",
        ha="left",
    )
    figure.tight_layout(
        rect=(0, LEGEND_HEIGHT / height, 1, 1 - TITLE_HEIGHT / height)
    )

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    plt.close(figure)
    return _palette(buffer.getvalue())


def _palette(png: bytes) -> bytes:
    """Reduce a PNG to 64 colours with Pillow, which matplotlib needs."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(colors=64)
        buffer = io.BytesIO()
        reduced.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write(
    results: dict[str, Any], path: Path, title: str, subtitle: str
) -> None:
    """Write the chart of ``results`` to ``path`` as PNG."""
    path.write_bytes(draw(results, title, subtitle))
