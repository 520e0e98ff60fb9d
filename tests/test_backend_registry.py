"""The backend registry: listing, lookup by name, the PUREPKI_BACKEND
variable and the use_backend context manager."""

from __future__ import annotations

import pytest

from purepki import backend as registry
from purepki._pure import PureBackend
from purepki.backend import (
    Backend,
    available_backends,
    get_backend,
    use_backend,
)
from purepki.errors import BackendNotFound, PurePKIError
from purepki.keys import generate_ec_key


class NamedPureBackend(PureBackend):
    """The pure arithmetic under another name, to tell backends apart."""

    name = "renamed-pure"


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(registry.ENVIRONMENT_VARIABLE, raising=False)


def test_pure_listed_first() -> None:
    names = available_backends()
    assert names[0] == "pure"
    assert len(names) == len(set(names))


def test_other_backends_sorted() -> None:
    assert available_backends()[1:] == sorted(available_backends()[1:])


def test_default_is_pure() -> None:
    assert get_backend().name == "pure"


def test_backend_fixture_runs_each_installed(backend: Backend) -> None:
    assert backend.name in available_backends()
    assert isinstance(backend, Backend)


def test_get_backend_by_name_is_cached() -> None:
    assert get_backend("pure") is get_backend("pure")


def test_get_backend_passes_object_through() -> None:
    custom = NamedPureBackend()
    assert get_backend(custom) is custom


def test_unknown_backend_raises() -> None:
    with pytest.raises(BackendNotFound) as info:
        get_backend("nope")
    message = str(info.value)
    assert "'nope'" in message
    assert "installed: pure" in message
    assert "--backend" in message
    assert "PUREPKI_BACKEND" in message
    assert "pip install" in message
    assert "pure" in message


def test_backend_not_found_is_lookup_error() -> None:
    assert issubclass(BackendNotFound, LookupError)
    assert issubclass(BackendNotFound, PurePKIError)


def test_environment_selects_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(registry.ENVIRONMENT_VARIABLE, "pure")
    assert get_backend() is get_backend("pure")


def test_environment_unknown_backend_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(registry.ENVIRONMENT_VARIABLE, "nope")
    with pytest.raises(BackendNotFound) as info:
        get_backend()
    assert registry.ENVIRONMENT_VARIABLE in str(info.value)


def test_environment_value_is_stripped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(registry.ENVIRONMENT_VARIABLE, " pure\n")
    assert get_backend().name == "pure"


@pytest.mark.parametrize("name", available_backends())
def test_environment_selects_each_installed(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(registry.ENVIRONMENT_VARIABLE, name)
    assert get_backend().name == name


def test_environment_selection_used_by_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(registry.ENVIRONMENT_VARIABLE, "nope")
    with pytest.raises(BackendNotFound):
        generate_ec_key()


def test_use_backend_selects_and_restores() -> None:
    custom = NamedPureBackend()
    before = get_backend()
    with use_backend(custom) as active:
        assert active is custom
        assert get_backend() is custom
    assert get_backend() is before


def test_use_backend_by_name() -> None:
    with use_backend("pure") as active:
        assert active is get_backend("pure")


def test_use_backend_nested() -> None:
    outer, inner = NamedPureBackend(), NamedPureBackend()
    with use_backend(outer):
        with use_backend(inner):
            assert get_backend() is inner
        assert get_backend() is outer
    assert get_backend().name == "pure"


def test_use_backend_restores_after_error() -> None:
    custom = NamedPureBackend()
    with pytest.raises(RuntimeError), use_backend(custom):
        raise RuntimeError("inside the block")
    assert get_backend().name == "pure"


def test_use_backend_overrides_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(registry.ENVIRONMENT_VARIABLE, "nope")
    custom = NamedPureBackend()
    with use_backend(custom):
        assert get_backend() is custom


def test_argument_overrides_context() -> None:
    with use_backend(NamedPureBackend()):
        assert get_backend("pure").name == "pure"


def test_use_backend_unknown_raises() -> None:
    with pytest.raises(BackendNotFound), use_backend("nope"):
        pass


def test_use_backend_reaches_key_operations() -> None:
    """Keys generated inside the block come from the selected backend."""
    calls: list[str] = []

    class CountingBackend(PureBackend):
        name = "counting"

        def generate_ec_key(self, curve):  # type: ignore[no-untyped-def]
            calls.append(curve.name)
            return super().generate_ec_key(curve)

    with use_backend(CountingBackend()):
        generate_ec_key()
    assert calls == ["P-256"]
