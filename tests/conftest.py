"""Shared fixtures: every test that takes ``backend`` runs once per
installed crypto backend."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import CLI, BackendCLI

from purepki.backend import Backend, available_backends, get_backend


@pytest.fixture(params=available_backends())
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each installed backend in turn."""
    return get_backend(request.param)


@pytest.fixture(scope="session")
def openssl() -> str:
    """Path of the openssl command; skips the test when it is missing."""
    path = shutil.which("openssl")
    if path is None:
        pytest.skip("openssl command not found")
    return path


@pytest.fixture(scope="session")
def openssl_fixtures(
    tmp_path_factory: pytest.TempPathFactory, openssl: str
) -> Path:
    """Files made by the openssl command the way administrators make them.

    Uses ``tests/make-openssl-fixtures.sh``.
    """
    out = tmp_path_factory.mktemp("openssl-fixtures")
    script = Path(__file__).with_name("make-openssl-fixtures.sh")
    subprocess.run(
        ["bash", str(script), str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> CLI:
    """Runner for the ``purepki`` command, in-process."""
    return CLI(capsys, monkeypatch)


@pytest.fixture
def backend_cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    backend: Backend,
) -> BackendCLI:
    """Runner for the ``purepki`` command on each installed backend in
    turn."""
    return BackendCLI(capsys, monkeypatch, backend)
