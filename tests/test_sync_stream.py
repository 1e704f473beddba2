"""The sync file as a stream of signed, sealed segments (sync.fileformat, format 2):
segments moved, dropped, swapped in from another file or added are refused; the header is
checked and read without the passphrase; the body is never held whole."""

from __future__ import annotations

import io
import json
import os
import random
import struct
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ungtui.sync import fileformat
from ungtui.sync.fileformat import (
    MAX_LINE,
    RECORD,
    BodyReader,
    HeaderFields,
    SyncFileError,
    WrongPassphrase,
    open_keys,
    peek,
    read_header,
    write_lines,
)

PASSPHRASE = "korv med bröd och senap"
SITE = "8c9f2d1e-4b7a-4c3e-9f1a-2b3c4d5e6f70"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


def fields(**changes) -> HeaderFields:
    values = dict(
        sender_site=SITE,
        sender_org=None,
        schema_version=9,
        app_version="0.1.0",
        file_id=str(uuid.uuid4()),
        kind="full",
        created_hlc="1796100000000.00000",
    )
    values.update(changes)
    return HeaderFields(**values)


def noise_lines(count: int, size: int, seed: int = 1) -> list[bytes]:
    """Lines of random letters: they do not compress, so the body spans many segments."""
    rng = random.Random(seed)
    letters = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [bytes(rng.choices(letters, k=size)) for _ in range(count)]


def read_all(data: bytes, passphrase: str = PASSPHRASE) -> list[bytes]:
    source = io.BytesIO(data)
    header = read_header(source)
    return list(BodyReader(source, header, open_keys(header, passphrase)).lines())


def parts(data: bytes) -> tuple[bytes, list[bytes]]:
    """(everything before the segments, the segments) of a file's bytes, unchecked."""
    magic = len(fileformat.MAGIC)
    (length,) = struct.unpack(">I", data[magic : magic + 4])
    start = magic + 4 + length + fileformat.SIGNATURE
    body = data[start:]
    return data[:start], [body[i : i + RECORD] for i in range(0, len(body), RECORD)]


def resign(data: bytes, key, **header_fields) -> bytes:
    """The same segments under a header with some fields changed, signed with `key`."""
    prefix, segments = parts(data)
    (length,) = struct.unpack(">I", prefix[len(fileformat.MAGIC) : len(fileformat.MAGIC) + 4])
    raw = prefix[len(fileformat.MAGIC) + 4 : len(fileformat.MAGIC) + 4 + length]
    header = json.loads(raw)
    header.update(header_fields)
    raw = fileformat._encode_header(header)
    signature = key.sign(fileformat._HEADER_LABEL + raw)
    return (
        fileformat.MAGIC + struct.pack(">I", len(raw)) + raw + signature + b"".join(segments)
    )


def test_lines_come_back_as_written_across_many_segments(key):
    lines = noise_lines(40, 10_000)
    data = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    _prefix, segments = parts(data)
    # 400,000 letters of 52 kinds hold log2(52) = 5.7 bits each: about 285 kB compressed,
    # which is 4.4 segments of 64 KiB.
    assert len(segments) == 5
    assert read_all(data) == lines


def test_an_empty_body_and_a_full_last_segment_both_read(key):
    assert read_all(write_lines([], passphrase=PASSPHRASE, signing_key=key, fields=fields())) == []
    one = [b"x" * 10]
    assert read_all(write_lines(one, passphrase=PASSPHRASE, signing_key=key, fields=fields())) == (
        one
    )


def test_segments_swapped_are_refused(key):
    lines = noise_lines(40, 10_000)
    data = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    prefix, segments = parts(data)
    segments[1], segments[2] = segments[2], segments[1]
    with pytest.raises(SyncFileError, match="skadad, avkortad eller ändrad"):
        read_all(prefix + b"".join(segments))


def test_a_file_cut_after_a_whole_segment_is_refused(key):
    """Even with a header re-signed for the shorter body (as the sender's own key could):
    the last segment left was not sealed as the last one."""
    lines = noise_lines(40, 10_000)
    data = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    _prefix, segments = parts(data)
    cut = data[: len(data) - len(segments[-1])]
    with pytest.raises(SyncFileError, match="avkortad"):
        read_all(cut)  # the header says how long the body is
    shorter = resign(cut, key, body_size=RECORD * (len(segments) - 1))
    with pytest.raises(SyncFileError, match="skadad, avkortad eller ändrad"):
        read_all(shorter)


def test_a_segment_of_another_file_is_refused(key):
    lines = noise_lines(40, 10_000)
    one = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    other = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    prefix, segments = parts(one)
    _, foreign = parts(other)
    segments[3] = foreign[3]
    with pytest.raises(SyncFileError, match="skadad"):
        read_all(prefix + b"".join(segments))


def test_segments_signed_by_another_key_are_refused(key):
    """A stranger with the passphrase can seal segments, but not sign them as the sender."""
    data = write_lines([b"hej"], passphrase=PASSPHRASE, signing_key=key, fields=fields())
    stranger = write_lines(
        [b"hej"], passphrase=PASSPHRASE, signing_key=Ed25519PrivateKey.generate(), fields=fields()
    )
    prefix, _segments = parts(data)
    _, theirs = parts(stranger)
    with pytest.raises(SyncFileError, match="skadad"):
        read_all(prefix + b"".join(theirs))


def test_the_header_is_read_without_the_passphrase_and_without_the_body(key, tmp_path):
    data = write_lines([b"hej"] * 3, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    path = tmp_path / "fil.ungsync"
    path.write_bytes(data)
    header = peek(path)
    assert (header.sender_site, header.kind, header.schema_version) == (SITE, "full", 9)
    assert header.plain_size == 12
    assert header.fingerprint == fileformat.fingerprint(fileformat.public_bytes(key))
    with pytest.raises(WrongPassphrase):
        read_all(data, passphrase="fel lösenfras helt och hållet")


def test_a_line_longer_than_the_limit_is_refused_without_holding_it(key):
    lines = [b"a" * 100, bytes(random.Random(2).choices(b"abcdefgh", k=MAX_LINE + 1))]
    data = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    with pytest.raises(SyncFileError, match="orimligt stor"):
        read_all(data)


def test_a_body_larger_than_it_says_is_refused(key):
    lines = noise_lines(3, 1000)
    data = write_lines(lines, passphrase=PASSPHRASE, signing_key=key, fields=fields())
    lying = resign(data, key, plain_size=1000)
    with pytest.raises(SyncFileError, match="större när den packas upp än den själv anger"):
        read_all(lying)
    honest_too_big = resign(data, key, plain_size=fileformat.MAX_PLAIN + 1)
    with pytest.raises(SyncFileError, match="orimligt stor när den packas upp"):
        read_header(io.BytesIO(honest_too_big))


def test_the_writer_never_holds_the_body(key, tmp_path):
    """Lines go out segment by segment: the writer holds at most its line buffer and one
    segment, however large the file (here 2 MB of letters)."""
    path = tmp_path / "stor.ungsync"
    with open(path, "w+b") as out:
        writer = fileformat.Writer(out, fields(), passphrase=PASSPHRASE, signing_key=key)
        for line in noise_lines(200, 10_000, seed=3):
            writer.write_line(line)
            assert len(writer._pending) <= fileformat.SEGMENT
            assert writer._buffered < 256 * 1024 + 10_001
        size = writer.close()
    assert size == os.path.getsize(path)
    assert read_all(path.read_bytes()) == noise_lines(200, 10_000, seed=3)
