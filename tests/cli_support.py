"""Helpers for tests that run the ``purepki`` command in-process through
``main([...])``. The ``cli`` and ``backend_cli`` fixtures in
``conftest.py`` build the runners defined here."""

from __future__ import annotations

import io
import sys
from typing import NamedTuple

import pytest

from purepki.backend import Backend
from purepki.cli import main


class Result(NamedTuple):
    """Exit code, standard output and standard error of one run."""

    code: int
    out: str
    err: str


class CLI:
    """Runner for ``purepki`` that captures its output streams."""

    def __init__(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def run(self, *arguments: str) -> Result:
        """Run ``purepki`` with ``arguments`` and return its exit code
        and captured output."""
        code = main(list(arguments))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def run_with_input(self, text: str, *arguments: str) -> Result:
        """Run ``purepki`` with ``text`` on standard input (not a
        terminal)."""
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(text))
        return self.run(*arguments)


class BackendCLI(CLI):
    """Runner that appends ``--backend NAME`` to every command."""

    def __init__(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        backend: Backend,
    ) -> None:
        super().__init__(capsys, monkeypatch)
        self.backend = backend

    def run(self, *arguments: str) -> Result:
        return super().run(*arguments, "--backend", self.backend.name)
