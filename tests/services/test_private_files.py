"""One way to write a file: whole or not at all, owner-only, never through a link, never
over a file unless asked, and a full disk leaves nothing behind."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from ungtui.services import private_files
from ungtui.services.errors import ServiceError
from ungtui.services.private_files import TargetExists, private_file, write_private_text


class FailingDisk:
    """A file whose write fails after `room` bytes, as a full disk or a pulled USB stick."""

    def __init__(self, inner, room: int, code: int) -> None:
        self.inner, self.room, self.code = inner, room, code

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.inner.write(data[: self.room])
            self.inner.flush()
            raise OSError(self.code, os.strerror(self.code))
        self.room -= len(data)
        return self.inner.write(data)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.inner.close()


@pytest.fixture
def disk_full(monkeypatch):
    def fail_with(code: int = errno.ENOSPC, room: int = 10) -> None:
        monkeypatch.setattr(
            private_files, "_handle", lambda fd: FailingDisk(os.fdopen(fd, "wb"), room, code)
        )

    return fail_with


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_new_file_is_owner_only_and_nothing_else_is_left(tmp_path):
    path = write_private_text(tmp_path / "utdrag.md", "# Utdrag\nÖberg\n")
    assert path.read_text(encoding="utf-8") == "# Utdrag\nÖberg\n"
    assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["utdrag.md"]


def test_a_link_planted_at_the_path_is_refused_even_when_replacing(tmp_path):
    victim = tmp_path / "viktig.txt"
    victim.write_text("orörd")
    link = tmp_path / "utdrag.md"
    link.symlink_to(victim)
    for replace in (False, True):
        with pytest.raises(ServiceError, match="länk"):
            write_private_text(link, "personuppgifter", replace=replace)
    assert victim.read_text() == "orörd"
    assert os.path.islink(link)
    # A dangling link too: nothing is created where it points.
    dangling = tmp_path / "logg.csv"
    dangling.symlink_to(tmp_path / "finns-inte.csv")
    with pytest.raises(ServiceError, match="länk"):
        write_private_text(dangling, "x")
    assert not (tmp_path / "finns-inte.csv").exists()


def test_an_existing_file_is_kept_unless_the_user_asked_to_replace_it(tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text("gammal")
    path.chmod(0o644)
    with pytest.raises(TargetExists, match="finns redan och skrivs inte över"):
        write_private_text(path, "ny")
    assert path.read_text() == "gammal" and mode(path) == 0o644
    old_inode = path.stat().st_ino
    write_private_text(path, "ny", replace=True)
    # A new file, not the old one written over: the old 0644 mode does not carry over.
    assert path.read_text() == "ny" and mode(path) == 0o600
    assert path.stat().st_ino != old_inode


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (
            errno.ENOSPC,
            "Disken är full: dump.json kunde inte skrivas. Ingen ofullständig fil "
            "finns kvar; frigör utrymme och försök igen.",
        ),
        (
            errno.EFBIG,
            "dump.json blev för stor för disken eller filsystemet (till exempel ett "
            "USB-minne med FAT32). Ingen ofullständig fil finns kvar.",
        ),
        (
            errno.EIO,
            "Skrivfel på disken när dump.json skrevs (trasigt eller utdraget minne?). "
            "Ingen ofullständig fil finns kvar.",
        ),
    ],
)
def test_a_failing_disk_leaves_no_partial_and_no_temporary_file(tmp_path, disk_full, code, said):
    disk_full(code)
    with pytest.raises(ServiceError) as caught:
        write_private_text(tmp_path / "dump.json", "x" * 10_000)
    assert str(caught.value) == said
    assert list(tmp_path.iterdir()) == []


def test_a_failing_disk_when_replacing_keeps_the_old_file(tmp_path, disk_full):
    path = tmp_path / "protokoll.md"
    path.write_text("förra versionen")
    disk_full()
    with pytest.raises(ServiceError, match="Disken är full"):
        write_private_text(path, "x" * 10_000, replace=True)
    assert path.read_text() == "förra versionen"
    assert [p.name for p in tmp_path.iterdir()] == ["protokoll.md"]


def test_an_error_in_the_writer_itself_removes_the_temporary_file(tmp_path):
    with pytest.raises(ZeroDivisionError), private_file(tmp_path / "lista.xlsx") as handle:
        handle.write(b"PK")
        1 / 0  # noqa: B018
    assert list(tmp_path.iterdir()) == []


def test_a_name_taken_while_writing_is_not_written_over(tmp_path):
    path = tmp_path / "rapport.csv"
    with pytest.raises(TargetExists), private_file(path) as handle:
        handle.write(b"ny")
        path.write_text("någon annans")  # appears meanwhile
    assert path.read_text() == "någon annans"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.csv"]


def test_a_missing_folder_is_one_swedish_line(tmp_path):
    with pytest.raises(ServiceError, match="finns inte"):
        write_private_text(tmp_path / "saknas" / "fil.md", "x")
