"""Sync files made as a buggy or hostile peer would make them: a real export opened with
the real passphrase, changed, and signed again with the sender's real key."""

from __future__ import annotations

import base64
import hmac
import json
import os
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ungtui.store.database import Database
from ungtui.sync import fileformat, state
from ungtui.sync.fileformat import (
    BodyReader,
    Header,
    HeaderFields,
    open_keys,
    read_header,
    write_lines,
)
from ungtui.sync.validate import SECTIONS


@dataclass
class Opened:
    """A file's content as a peer's program would hold it before writing it."""

    header: Header
    manifest: dict
    items: list = field(default_factory=list)


def open_file(path: Path, passphrase: str) -> Opened:
    with open(path, "rb") as source:
        header = read_header(source)
        lines = list(BodyReader(source, header, open_keys(header, passphrase)).lines())
    return Opened(header, json.loads(lines[0]), [json.loads(line) for line in lines[1:-1]])


def counts(items: list) -> dict:
    found = dict.fromkeys(SECTIONS, 0)
    for item in items:
        if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in found:
            found[next(iter(item))] += 1
        else:
            found["rows"] += 1
    return found


def fields_of(header: Header, **changes) -> HeaderFields:
    values = dict(
        sender_site=header.sender_site,
        sender_org=header.sender_org,
        schema_version=header.schema_version,
        app_version=header.app_version,
        file_id=str(uuid.uuid4()),  # a new file, not one already taken in
        kind=header.kind,
        created_hlc=header.created_hlc,
        recipient=header.recipient,
        sender=header.sender,
    )
    values.update(changes)
    return HeaderFields(**values)


def signing_key(db: Database):
    with db.engine.begin() as conn:
        return state.signing_key(conn)


def write_file(
    path: Path,
    opened: Opened,
    *,
    sender: Database,
    passphrase: str,
    lines: list[bytes] | None = None,
    **header_changes,
) -> Path:
    """The opened content (or exactly `lines`), signed with the sender's real key."""
    if lines is None:
        lines = [json.dumps(opened.manifest).encode()]
        lines += [json.dumps(item, ensure_ascii=False).encode() for item in opened.items]
        lines.append(json.dumps({"end": counts(opened.items)}).encode())
    data = write_lines(
        lines,
        passphrase=passphrase,
        signing_key=signing_key(sender),
        fields=fields_of(opened.header, **header_changes),
    )
    path.write_bytes(data)
    return path


def seal_stream(
    path: Path,
    compressed: bytes,
    *,
    header: Header,
    key,
    passphrase: str,
    plain_size: int,
    **header_changes,
) -> Path:
    """A body of exactly these compressed bytes, with a header that declares `plain_size`
    (true or not), sealed and signed as the real writer does."""
    salt = os.urandom(16)
    encryption, check = fileformat.passphrase_keys(passphrase, salt, fileformat.KDF_PARAMS)
    fields = fields_of(header, **header_changes)
    public = fileformat.public_bytes(key)
    head = {
        "format": fileformat.FORMAT,
        "schema_version": fields.schema_version,
        "app_version": fields.app_version,
        "sender_site": fields.sender_site,
        "sender_org": fields.sender_org,
        "public_key": base64.b64encode(public).decode(),
        "fingerprint": fileformat.fingerprint(public),
        "file_id": fields.file_id,
        "kind": fields.kind,
        "created_hlc": fields.created_hlc,
        "to": fields.recipient.to_json() if fields.recipient else None,
        "from": {"site": fields.sender_site, **(fields.sender.to_json() if fields.sender else {})},
        "kdf": {**fileformat.KDF_PARAMS, "salt": base64.b64encode(salt).decode()},
        "key_check": base64.b64encode(hmac.digest(check, b"ungtui key check", "sha256")).decode(),
        "segment": fileformat.SEGMENT,
        "body_size": 0,
        "plain_size": plain_size,
    }
    binding = fileformat._binding_digest(head)
    aead = fileformat.AESGCM(encryption)
    chunks = [
        compressed[i : i + fileformat.SEGMENT]
        for i in range(0, len(compressed), fileformat.SEGMENT)
    ] or [b""]
    body = bytearray()
    for index, chunk in enumerate(chunks):
        final = index == len(chunks) - 1
        sealed = aead.encrypt(fileformat._nonce(index, final), chunk, binding)
        body += sealed + key.sign(fileformat._segment_message(binding, index, final, sealed))
    head["body_size"] = len(body)
    raw = fileformat._encode_header(head)
    signature = key.sign(fileformat._HEADER_LABEL + raw)
    path.write_bytes(fileformat.MAGIC + struct.pack(">I", len(raw)) + raw + signature + body)
    return path


def zeros_compressed(size: int) -> bytes:
    """`size` bytes of zeros (no newline at all), compressed: a decompression bomb."""
    deflate = zlib.compressobj(9)
    step = b"0" * (1024 * 1024)
    out = bytearray()
    for _ in range(size // len(step)):
        out += deflate.compress(step)
    out += deflate.flush()
    return bytes(out)


def split(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(magic and length, header, header signature, segments) of a file's bytes."""
    start = len(fileformat.MAGIC) + 4
    (length,) = struct.unpack(">I", data[len(fileformat.MAGIC) : start])
    end = start + length
    return data[:start], data[start:end], data[end : end + 64], data[end + 64 :]
