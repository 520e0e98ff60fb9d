"""The purepki argument parser: building one subcommand's parser alone,
and the help width."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Optional

import pytest

from purepki import cli


def _subparser(
    parser: argparse.ArgumentParser, name: str
) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise AssertionError("the parser has no subcommands")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["verify", "a.pem", "b.pem"], "verify"),
        (["--backend", "pure", "verify", "a.pem"], "verify"),
        (["--backend=pure", "list"], "list"),
        (["--back", "pure", "inspect", "a.pem"], "inspect"),
        (["pkcs12-to-ssh", "user"], "pkcs12-to-ssh"),
        ([], None),
        (["--help"], None),
        (["-h", "verify"], None),
        (["--h", "verify"], None),
        (["--he", "verify"], None),
        (["--hel", "list"], None),
        (["--help", "list"], None),
        (["verify", "--he"], "verify"),
        (["--backend", "pure"], None),
        (["veriffy", "a.pem"], None),
        (["--", "verify"], None),
    ],
)
def test_command_of_argv(argv: list[str], expected: Optional[str]) -> None:
    assert cli._command_of(argv) == expected


@pytest.mark.parametrize("name", sorted(cli._COMMANDS))
def test_single_command_parser_matches_full(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    alone = _subparser(cli.build_parser(name), name)
    full = _subparser(cli.build_parser(), name)
    assert alone.format_help() == full.format_help()


def test_full_parser_lists_every_command() -> None:
    parser = cli.build_parser()
    choices = _subparser(parser, "verify")
    assert choices.prog == "purepki verify"
    help_text = parser.format_help()
    for name in cli._COMMANDS:
        assert re.search(rf"^ +{re.escape(name)}\s", help_text, re.M)


def test_unknown_command_lists_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["veriffy"])
    error = capsys.readouterr().err
    assert code == 2
    assert "invalid choice: 'veriffy'" in error
    assert "'pkcs12-to-ssh'" in error


def test_backend_prefix_before_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["--back", "pure", "backends"])
    assert code == 0
    assert "pure (active)" in capsys.readouterr().out


def test_help_width_from_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    usage = cli.build_parser("verify").format_usage()
    assert max(len(line) for line in usage.splitlines()) <= 50
    assert cli._terminal_columns() == 50


@pytest.mark.parametrize("value", ["", "0", "wide", "-5"])
def test_help_width_ignores_bad_columns(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("COLUMNS", value)
    assert cli._terminal_columns() > 0


@pytest.mark.parametrize("option", ["--h", "--he", "--hel"])
def test_help_prefix_lists_every_command(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main([option, "verify"])
    assert code == 0
    help_text = capsys.readouterr().out
    for name in cli._COMMANDS:
        assert re.search(rf"^ +{re.escape(name)}\s", help_text, re.M)


@pytest.mark.parametrize(
    "argv",
    [["list"], ["backends"], ["verify", "a.pem", "b.pem"], ["inspect", "x"]],
    ids=lambda argv: argv[0],
)
def test_unknown_backend_variable_stops_command(
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PUREPKI_BACKEND", "nope")
    code = cli.main(argv)
    error = capsys.readouterr().err
    assert code == 2
    assert "crypto backend 'nope' is not installed" in error


def test_backends_lists_installed_after_unknown_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PUREPKI_BACKEND", "nope")
    code = cli.main(["backends"])
    captured = capsys.readouterr()
    assert code == 2
    assert "  pure" in captured.out.splitlines()
    assert "'nope' is not installed" in captured.err
