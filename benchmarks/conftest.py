"""Shared fixtures for the benchmark suites.

Every benchmark describes its row of the report through
``benchmark.extra_info``, which pytest-benchmark writes to the
``--benchmark-json`` file and ``benchmarks/report.py`` reads:

- ``implementation``: the label of the row, unique within its group.
- ``floor``: the ``implementation`` of the row in the same group that this
  row's median is divided by. A floor row itself has none.
- ``target``: the largest ratio to the floor that meets the performance
  target. Rows shown for context only have none.
- ``slice``: which of the :data:`SLICES` runs of the row this is.
- ``ratio_of``: ``slices`` to compare each slice with the floor's slice of
  the same number, ``medians`` to compare medians over all rounds (see
  ``report.py``).
- ``backend``: the backend whose suite the row belongs to, for the rows
  measured through purepki and for their floors.
- ``through_purepki``: whether the row calls purepki. The report divides
  each such row of a backend other than ``pure`` by the ``pure`` row of
  the same group (the ratio between backends).

The benchmark group (``@pytest.mark.benchmark(group=...)``) names the
operation.

Each benchmark that uses ``describe`` runs as :data:`SLICES` separate
benchmarks, and the collection order alternates the rows of a group
slice by slice (row A slice 0, row B slice 0, row A slice 1, ...). A
burst of load from other processes then lands on every row of a group
about equally, not on one row and not its floor. The report pools the
rounds of all slices of a row. A benchmark marked ``@pytest.mark.slices(n)``
runs as its first ``n`` slices only, for floors too slow to repeat (the
rows compared by ``medians``).
"""

from __future__ import annotations

import importlib.metadata
from typing import Any, Callable, Optional

import pytest

import purepki
from purepki import ECPrivateKey, RSAPrivateKey
from purepki.backend import available_backends

#: Runs of each benchmark, interleaved with the other rows of its group.
SLICES = 10

DescribeRow = Callable[..., None]

_LIBRARIES = (
    "purepki-cryptography",
    "cryptography",
    "rsa",
    "ecdsa",
    "pyasn1",
    "pyasn1-modules",
    "pytest-benchmark",
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``slices`` marker."""
    config.addinivalue_line(
        "markers",
        "slices(n): run a described benchmark as its first n slices only",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every benchmark that uses ``describe`` once per slice, or in
    its first n slices when it is marked ``slices(n)``."""
    if "bench_slice" not in metafunc.fixturenames:
        return
    mark = metafunc.definition.get_closest_marker("slices")
    count = SLICES if mark is None else min(int(mark.args[0]), SLICES)
    metafunc.parametrize(
        "bench_slice", range(count), ids=lambda index: f"slice{index}"
    )


def _group_of(item: pytest.Item) -> Optional[str]:
    mark = item.get_closest_marker("benchmark")
    return None if mark is None else mark.kwargs.get("group")


def _slice_of(item: pytest.Item) -> Optional[int]:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    index = callspec.params.get("bench_slice")
    return index if isinstance(index, int) else None


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Order sliced benchmarks group by group, then slice by slice, and
    leave every other test in place before them."""
    groups: dict[str, int] = {}
    sliced: list[tuple[int, int, int, pytest.Item]] = []
    others: list[pytest.Item] = []
    for position, item in enumerate(items):
        group = _group_of(item)
        index = _slice_of(item)
        if group is None or index is None:
            others.append(item)
            continue
        order = groups.setdefault(group, len(groups))
        sliced.append((order, index, position, item))
    sliced.sort(key=lambda entry: entry[:3])
    items[:] = others + [entry[3] for entry in sliced]


@pytest.fixture
def bench_slice(request: pytest.FixtureRequest) -> int:
    """The index of this run among the :data:`SLICES` runs of a row."""
    index: int = request.param
    return index


@pytest.fixture
def describe(benchmark: Any, bench_slice: int) -> DescribeRow:
    """Return a function that records the report row of ``benchmark``."""

    def record(
        implementation: str,
        *,
        floor: Optional[str] = None,
        target: Optional[float] = None,
        ratio_of: str = "slices",
        backend: Optional[str] = None,
        through_purepki: bool = False,
    ) -> None:
        benchmark.extra_info["implementation"] = implementation
        benchmark.extra_info["slice"] = bench_slice
        benchmark.extra_info["ratio_of"] = ratio_of
        benchmark.extra_info["through_purepki"] = through_purepki
        if backend is not None:
            benchmark.extra_info["backend"] = backend
        if floor is not None:
            benchmark.extra_info["floor"] = floor
        if target is not None:
            benchmark.extra_info["target"] = target

    return record


@pytest.fixture(scope="session")
def rsa_key() -> RSAPrivateKey:
    """One RSA-2048 key for every RSA-2048 benchmark.

    Generating it also builds purepki's table of small primes, so the key
    generation benchmark does not time that one-off cost.
    """
    return purepki.generate_rsa_key(2048, backend="pure")


@pytest.fixture(scope="session")
def rsa_keys(rsa_key: RSAPrivateKey) -> dict[int, RSAPrivateKey]:
    """One RSA key for each modulus size benchmarked, by size in bits."""
    return {
        2048: rsa_key,
        3072: purepki.generate_rsa_key(3072, backend="pure"),
    }


@pytest.fixture(scope="session")
def cryptography_backend() -> str:
    """The name of the cryptography backend; skips the benchmark when the
    purepki-cryptography distribution is not installed."""
    if "cryptography" not in available_backends():
        pytest.skip(
            "the cryptography backend is not installed; install it with "
            "'pip install ./backends/cryptography'"
        )
    return "cryptography"


@pytest.fixture(scope="session")
def ec_key() -> ECPrivateKey:
    """One P-256 key for every ECDSA benchmark."""
    return purepki.generate_ec_key(backend="pure")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def pytest_benchmark_update_json(
    config: pytest.Config, benchmarks: Any, output_json: dict[str, Any]
) -> None:
    """Record the versions of purepki and of the libraries measured."""
    versions = {"purepki": purepki.__version__}
    versions.update((name, _version(name)) for name in _LIBRARIES)
    output_json["library_versions"] = versions
