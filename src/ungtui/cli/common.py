"""What every command shares: Swedish argument parsing, the errors a command stops with
and their exit codes, and output that never lets text from the register steer the terminal.

A command line error is one Swedish line on stderr and a non-zero exit code, never a
traceback: argparse's own messages are put in Swedish (through the gettext hook argparse
reads its messages through), and anything printed has its control characters written out
as `\\uXXXX` (domain.fields.escape_for_terminal), so a name with an escape sequence in it,
or a table name from a peer's file, is shown and not obeyed.

Only the standard library and light rules are imported here: every command module imports
this one while the parser is built, before anyone knows which command will run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from ungtui.domain.fields import escape_for_terminal

if TYPE_CHECKING:
    from ungtui.store.database import Database

PROG = "ungtui"
DEBUG_ENV = "UNGTUI_DEBUG"

# The exit codes, one per kind of stop (the README lists them):
# 1: the command line was understood, but what it names refuses: a file missing, already
#    there, unreadable or not what it should be; a record not found; a rule of the
#    register; the database itself. An unforeseen fault also ends in 1.
EXIT_REFUSED = 1
# 2: the command line itself is wrong, which can be told without reading the database or
#    any file: an unknown command, flag or choice, a missing or extra argument, a value of
#    the wrong form or outside the range the flag takes.
EXIT_USAGE = 2
# 3: a sync file whose sender is not trusted: a key never seen (confirm its fingerprint
#    with --trust), a known sender with a new key, or another key in this install's name.
EXIT_TRUST = 3
# 4: a sync file taken in, but with changes its sender had no authority to make left out.
EXIT_PARTLY_TAKEN_IN = 4
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A command stops: `ungtui: <message>` on stderr, then any `hint` lines, and the
    exit code of its kind. Raised by the command modules; main() reports it."""

    code = EXIT_REFUSED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class Refused(CommandError):
    code = EXIT_REFUSED


class UsageError(CommandError):
    code = EXIT_USAGE


class NotTrusted(CommandError):
    code = EXIT_TRUST


_SWEDISH = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "okänt argument eller okänd flagga: %s",
    "the following arguments are required: %s": "det här saknas: %s",
    "one of the arguments %s is required": "ett av argumenten %s behövs",
    "expected one argument": "ett värde behövs efter flaggan",
    "expected at most one argument": "högst ett värde",
    "expected at least one argument": "minst ett värde behövs",
    "invalid %(type)s value: %(value)r": "ogiltigt värde %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "okänt val %(value)r (välj bland %(choices)s)"
    ),
    "ambiguous option: %(option)s could match %(matches)s": (
        "flaggan %(option)s kan betyda flera: %(matches)s"
    ),
    "not allowed with argument %s": "går inte ihop med %s",
    "ignored explicit argument %r": "flaggan tar inget värde: %r",
    "unexpected option string: %s": "oväntad flagga: %s",
    "can't open '%(filename)s': %(error)s": "kan inte öppna '%(filename)s': %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: %(message)s\n",
}


def _swedish(message: str) -> str:
    return _SWEDISH.get(message, message)


def _swedish_plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "%s värden behövs"
    return singular if n == 1 else plural


@contextlib.contextmanager
def _in_swedish() -> Iterator[None]:
    # argparse looks its messages up through these module globals each time it builds one.
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _swedish, _swedish_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class SwedishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Swedish and reports a usage error in one line."""

    def __init__(self, *args, **kwargs) -> None:
        with _in_swedish():
            super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with _in_swedish():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with _in_swedish():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _in_swedish():
            return super().format_usage()

    def format_help(self) -> str:
        with _in_swedish():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        text = _swedish(message).rstrip(".")
        fail(f"{text}. Se {self.prog} --help.", EXIT_USAGE, prog=self.prog)
        sys.exit(EXIT_USAGE)


REPLACE_OPTION = "--skriv-over"


def add_replace_option(parser: argparse.ArgumentParser) -> None:
    """Every command that writes a file refuses to write over one unless told to."""
    parser.add_argument(
        REPLACE_OPTION,
        dest="replace",
        action="store_true",
        help="ersätt filen om den redan finns (annars skrivs ingen fil över)",
    )


def refuse_existing_out(args: argparse.Namespace) -> None:
    """Stops before anything is done when an output file named on the command line exists
    and the user did not ask to replace it."""
    if getattr(args, "replace", False):
        return
    for name in ("out", "save_mapping"):
        value = getattr(args, name, None)
        if value and os.path.lexists(value) and not os.path.isdir(value):
            raise Refused(
                f"Filen {value} finns redan och skrivs inte över. Välj ett annat namn, eller "
                f"lägg till {REPLACE_OPTION} för att ersätta den."
            )


def on_path(
    parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace, Path], int]
) -> None:
    """The command works on the database file itself (or makes it): run(args, path)."""
    parser.set_defaults(run=run, opens=None)


def on_database(
    parser: argparse.ArgumentParser,
    run: Callable[[argparse.Namespace, Database], int],
    *,
    create: bool = False,
) -> None:
    """The command works in an open database: run(args, db). Only the app, and an import
    that may start a new install, create a missing one."""
    parser.set_defaults(run=run, opens="create" if create else "existing")


@contextlib.contextmanager
def opened(path: Path, *, create: bool = False) -> Iterator[Database]:
    from ungtui.store.database import open_database

    db = open_database(path, create=create)
    try:
        yield db
    finally:
        db.close()


def whole_number(text: str) -> int:
    """An argparse type: a whole number, with a Swedish reason when it is not one."""
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"”{text}” är inget heltal") from None


def fail(message: str, code: int = EXIT_REFUSED, *, prog: str = PROG) -> int:
    """The one way a command reports an error: `ungtui: <Swedish sentence>` on stderr."""
    print(f"{prog}: {message}", file=sys.stderr)
    return code


class _EscapingStream(io.TextIOBase):
    """Writes what it is given with every steering character made visible."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(escape_for_terminal(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")

    def fileno(self) -> int:
        return self.inner.fileno()


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """Everything a sub-command prints goes through here (not the full-screen app, which
    draws with escape sequences of its own)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _EscapingStream(saved[0]), _EscapingStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def unescaped_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (getattr(s, "inner", s) for s in saved)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def write_trusted(text: str) -> None:
    """Output the program composed itself (a bold highlight), past the escaping. Any text
    from the register in it must already have gone through escape_for_terminal."""
    stream = sys.stdout
    inner = stream.inner if isinstance(stream, _EscapingStream) else stream
    inner.write(text)


def debugging() -> bool:
    return bool(os.environ.get(DEBUG_ENV))
