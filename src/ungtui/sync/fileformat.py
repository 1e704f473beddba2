"""The sync file: a signed plaintext header, then an encrypted, compressed, signed stream.

Layout (format 2):

    MAGIC "UNGSYNC2\\n" | u32 header length | header JSON | 64-byte header signature
    | segment 0 | segment 1 | ... | segment n-1

The header holds no personal data: format, schema, who sends (site, organisation, public
key and its fingerprint) and to whom (the receiving organisation), the key-derivation
parameters, a key check, the size of the body and of its decompressed content. It is
signed by the sender's Ed25519 key, so everything a receiver decides before it decrypts —
is this file for us, do we know the sender and its key, is the file whole, is it a
reasonable size — rests on data the sender vouched for, and no passphrase is needed to
read it (`peek`).

Check before trusting, trust before reading. A file is read in this order, and refused
at the first step that fails, with one Swedish line:

1. magic and format (a file of format 1 is refused with a line asking for a new export);
2. the header: its fields and their types, the fingerprint of the key it names, the
   header's signature by that key, the body size against the file's size, and the
   declared decompressed size against a fixed ratio and an absolute cap;
3. (the service) the recipient, the sender site and its key: an unknown sender is asked
   about before anything is decrypted, a known site with a new key is refused;
4. the passphrase, by the key check (told apart from a damaged file);
5. the segments, one at a time: the signature, then the decryption, then the
   decompression, each bounded.

Why segments. AES-GCM in `cryptography` authenticates a message only when all of it has
been decrypted, so one GCM message over the whole body would have to be held whole, or
read before it is known to be intact. The body is instead cut into segments of 64 KiB of
compressed data, as age's STREAM does: each is its own AES-256-GCM message whose nonce is
the segment's index (11 bytes) and a final flag (1 byte), with the file's binding (a
SHA-256 of every header field but the two sizes, so of its random salt and file id) as
associated data, followed by an Ed25519 signature over the binding, the index, the final
flag and the ciphertext. The header is written last, when the sizes are known; its own
signature covers them. So each segment is known to come from the sender, in its place,
in this file, before a byte of it is decrypted or decompressed. Moving segments around
changes their index and fails; cutting the file after any segment leaves a last segment
not marked final and fails (and the size no longer matches the signed header); appending
data changes the body size the header signed; a segment of another file has another
binding. Each segment costs 80 bytes (tag and signature), 0.1 % of the file.

A file is read twice by an import (services.sync.sync_files): first to verify and check
everything, then to apply it. The second reading compares each segment's digest with the
first one's, so what is applied is exactly what was checked.

Bounded memory. Decompression runs in steps of at most one MiB of output. It stops the
moment the output exceeds the size the header declared, and that declared size is itself
capped (MAX_RATIO times the body, and MAX_PLAIN), so a small file that inflates to
gigabytes is refused before decryption or within its first step. Lines (one change each)
are at most MAX_LINE bytes; the reader yields one line at a time and never holds the
body. The writer likewise compresses, encrypts and signs segment by segment and writes
the header last, into space kept for it at the start of the file.

Inside the compressed stream: JSON lines. The first is the manifest (sender, its sequence
numbers, acknowledgements); then the changes in sections — organisation merges, grants,
purges, records, person merges — and last an end line with the count of each section
(see sync.changes and sync.validate).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ungtui.domain.secrecy import SECRECY_DOMAINS

MAGIC = b"UNGSYNC2\n"
OLD_MAGICS = (b"UNGSYNC1\n",)
FORMAT = "ungtui-sync/2"
SUFFIX = ".ungsync"
# Argon2id as RFC 9106's second recommendation; 64 MiB and about 0.1 s here.
KDF_PARAMS = {"alg": "argon2id", "t": 3, "m": 65536, "p": 4}
MAX_HEADER = 64 * 1024
# The header is read before anything in it can be checked: a file may ask for at most
# this much work (time cost, KiB of memory, lanes) before it is taken as damaged.
KDF_LIMITS = {"t": 10, "m": 1024 * 1024, "p": 16}

SEGMENT = 64 * 1024  # compressed bytes per segment
TAG = 16  # AES-GCM tag
SIGNATURE = 64  # Ed25519
RECORD = SEGMENT + TAG + SIGNATURE
# A file whose content inflates to more than this many times its size, or to more than
# MAX_PLAIN bytes, is refused. A full export of 100,000 people of demo data inflates about
# 30 times to about 1.2 GB; real data, with more different stamps, inflates less.
MAX_RATIO = 100
MAX_PLAIN = 16 * 1024**3
# One change, one line: a record with the longest texts the field rules allow, and some
# competing versions of them, stays well under this.
MAX_LINE = 8 * 1024 * 1024
COMPRESS_LEVEL = 6
# Output of one decompression step; bounds the memory the reader holds besides a line.
INFLATE_STEP = 1024 * 1024

_HEADER_LABEL = b"ungtui-sync/2 header\x00"
_SEGMENT_LABEL = b"ungtui-sync/2 segment\x00"
_KEY_CHECK_LABEL = b"ungtui key check"

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HLC = re.compile(r"\d{13}\.\d{5}")
# Names in a header are shown to the user before anything else is checked: no control
# characters, no bidirectional overrides, and not longer than a line.
_UNSAFE_TEXT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_MAX_NAME = 300

DAMAGED_HEADER = "Filens huvud är skadat eller ändrat. Be om en ny kopia."
TRUNCATED = "Filen är ofullständig (avkortad). Be om en ny kopia."
DAMAGED_BODY = "Filen är skadad, avkortad eller ändrad efter att den skapades. Be om en ny kopia."


class SyncFileError(Exception):
    """A file that cannot be taken in; the message is the Swedish line the user sees."""


class WrongPassphrase(SyncFileError):
    pass


class NewerSchema(SyncFileError):
    pass


@dataclass(frozen=True)
class Party:
    """An organisation as a file header names it: number, record id and name, and the
    secrecy domain (nämnd) of it the file is from or for (domain.secrecy; None: the whole
    organisation, and files from versions before domains)."""

    org_nr: str | None = None
    id: str | None = None
    name: str = ""
    domain: str | None = None

    def to_json(self) -> dict:
        data = {"org_nr": self.org_nr, "id": self.id, "name": self.name}
        if self.domain:
            data["domain"] = self.domain
        return data

    @classmethod
    def from_json(cls, data: object) -> Party | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError("party")
        org_nr, oid, name = data.get("org_nr"), data.get("id"), data.get("name") or ""
        if org_nr is not None and not (
            isinstance(org_nr, str) and re.fullmatch(r"\d{6}-\d{4}", org_nr)
        ):
            raise ValueError("org_nr")
        if oid is not None and not (isinstance(oid, str) and _UUID.fullmatch(oid)):
            raise ValueError("id")
        if not isinstance(name, str) or len(name) > _MAX_NAME or _UNSAFE_TEXT.search(name):
            raise ValueError("name")
        domain = data.get("domain") or None
        if domain is not None and not (isinstance(domain, str) and domain in SECRECY_DOMAINS):
            raise ValueError("domain")
        return cls(org_nr=org_nr or None, id=oid or None, name=name, domain=domain)


@dataclass(frozen=True)
class Header:
    sender_site: str
    sender_org: str | None
    public_key: str  # base64 raw Ed25519
    fingerprint: str
    schema_version: int
    app_version: str
    file_id: str
    kind: str  # "full" or "delta"
    created_hlc: str
    raw: bytes  # exactly as in the file, padding included: what is signed
    # The address: the organisation the file is for, and the sending organisation.
    recipient: Party | None = None
    sender: Party | None = None
    kdf: dict = field(default_factory=dict)
    key_check: bytes = b""
    body_size: int = 0  # bytes of segments after the header
    plain_size: int = 0  # bytes of the decompressed content
    body_offset: int = 0  # where the first segment starts in the file
    binding: bytes = b""  # what every segment is bound to (see _binding_digest)

    @property
    def public_bytes(self) -> bytes:
        return base64.b64decode(self.public_key)


@dataclass(frozen=True)
class Keys:
    """What the passphrase gives for one file: the key of its segments."""

    encryption: bytes


def fingerprint(public_key: bytes) -> str:
    """Eight groups of four hex digits: short enough to read aloud over the phone."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def passphrase_keys(passphrase: str, salt: bytes, params: dict) -> tuple[bytes, bytes]:
    if params.get("alg") != "argon2id":
        raise SyncFileError("Filen är krypterad på ett sätt som den här versionen inte känner.")
    costs: dict[str, int] = {}
    for name, limit in KDF_LIMITS.items():
        cost = params.get(name)
        if type(cost) is not int or not 1 <= cost <= limit:
            raise ValueError("key-derivation cost out of range")
        costs[name] = cost
    master = Argon2id(
        salt=salt,
        length=32,
        iterations=costs["t"],
        lanes=costs["p"],
        memory_cost=costs["m"],
    ).derive(passphrase.encode("utf-8"))

    def expand(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    return expand(b"ungtui sync encryption"), expand(b"ungtui sync key check")


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _segment_message(header_digest: bytes, index: int, final: bool, sealed: bytes) -> bytes:
    return (
        _SEGMENT_LABEL
        + header_digest
        + index.to_bytes(8, "big")
        + (b"\x01" if final else b"\x00")
        + sealed
    )


# --- writing ---------------------------------------------------------------------------


@dataclass
class HeaderFields:
    """What the writer is told about a file; sizes and keys it adds itself."""

    sender_site: str
    sender_org: str | None
    schema_version: int
    app_version: str
    file_id: str
    kind: str
    created_hlc: str
    recipient: Party | None = None
    sender: Party | None = None


class Writer:
    """Write one sync file to a seekable binary file, line by line, in bounded memory.

    Space for the header is kept at the start; the segments follow as the lines come;
    `close` writes the header (now knowing the sizes) and its signature into that space.
    """

    def __init__(
        self,
        out: BinaryIO,
        fields: HeaderFields,
        *,
        passphrase: str,
        signing_key: Ed25519PrivateKey,
    ) -> None:
        self._out = out
        self._key = signing_key
        salt = os.urandom(16)
        encryption, check = passphrase_keys(passphrase, salt, KDF_PARAMS)
        self._aead = AESGCM(encryption)
        public = public_bytes(signing_key)
        self._header = {
            "format": FORMAT,
            "schema_version": fields.schema_version,
            "app_version": fields.app_version,
            "sender_site": fields.sender_site,
            "sender_org": fields.sender_org,
            "public_key": base64.b64encode(public).decode(),
            "fingerprint": fingerprint(public),
            "file_id": fields.file_id,
            "kind": fields.kind,
            "created_hlc": fields.created_hlc,
            "to": fields.recipient.to_json() if fields.recipient else None,
            "from": {
                "site": fields.sender_site,
                **(fields.sender.to_json() if fields.sender else {}),
            },
            "kdf": {**KDF_PARAMS, "salt": base64.b64encode(salt).decode()},
            "key_check": base64.b64encode(hmac.digest(check, _KEY_CHECK_LABEL, "sha256")).decode(),
            "segment": SEGMENT,
            "body_size": 0,
            "plain_size": 0,
        }
        # The sizes are the only values still to change; with their widest values the
        # header is as long as it can get, and the real one is padded to that length.
        widest = dict(self._header, body_size=MAX_PLAIN * 2, plain_size=MAX_PLAIN * 2)
        self._reserved = len(_encode_header(widest))
        self._start = out.tell()
        out.write(b"\x00" * (len(MAGIC) + 4 + self._reserved + SIGNATURE))
        self._compress = zlib.compressobj(COMPRESS_LEVEL)
        self._pending = bytearray()  # compressed, not yet sealed
        self._lines: list[bytes] = []
        self._buffered = 0
        self._index = 0
        self._plain = 0
        self._body = 0
        self.lines = 0
        # Segments are bound to the header by its digest, but the header is final only at
        # the end: the digest used is that of the header as it will be, with sizes left
        # out (see _binding), which the receiver recomputes from the header it reads.
        self._binding = _binding_digest(self._header)

    def write_line(self, line: bytes) -> None:
        if b"\n" in line:
            raise ValueError("a line may not hold a newline")
        self._lines.append(line)
        self._buffered += len(line) + 1
        self.lines += 1
        if self._buffered >= 256 * 1024:
            self._flush_lines()

    def write_lines(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            self.write_line(line)

    def _flush_lines(self) -> None:
        if not self._lines:
            return
        data = b"\n".join(self._lines) + b"\n"
        self._lines.clear()
        self._buffered = 0
        self._plain += len(data)
        self._pending += self._compress.compress(data)
        # Always keep at least one byte back: the last segment must hold something, and
        # only at the end is it known which one is last.
        while len(self._pending) > SEGMENT:
            self._seal(bytes(self._pending[:SEGMENT]), final=False)
            del self._pending[:SEGMENT]

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, final), chunk, self._binding)
        signature = self._key.sign(_segment_message(self._binding, self._index, final, sealed))
        self._out.write(sealed)
        self._out.write(signature)
        self._body += len(sealed) + len(signature)
        self._index += 1

    def close(self) -> int:
        """Finish the body and write the header; returns the file's size in bytes."""
        self._flush_lines()
        self._pending += self._compress.flush()
        while len(self._pending) > SEGMENT:
            self._seal(bytes(self._pending[:SEGMENT]), final=False)
            del self._pending[:SEGMENT]
        self._seal(bytes(self._pending), final=True)
        self._pending.clear()
        end = self._out.tell()
        header = dict(self._header, body_size=self._body, plain_size=self._plain)
        raw = _encode_header(header)
        raw += b" " * (self._reserved - len(raw))
        signature = self._key.sign(_HEADER_LABEL + raw)
        self._out.seek(self._start)
        self._out.write(MAGIC + struct.pack(">I", len(raw)) + raw + signature)
        self._out.seek(end)
        return end - self._start


def _encode_header(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _binding_digest(header: dict) -> bytes:
    """What binds the segments to their file: every header field but the two sizes
    (which the header's own signature covers). It holds the random salt and the file id,
    so segments of one file never verify in another."""
    fixed = {k: v for k, v in header.items() if k not in ("body_size", "plain_size")}
    return hashlib.sha256(b"ungtui-sync/2 binding\x00" + _encode_header(fixed)).digest()


def write_lines(
    lines: Iterable[bytes],
    *,
    passphrase: str,
    signing_key: Ed25519PrivateKey,
    fields: HeaderFields,
) -> bytes:
    """A whole file in memory (for small files and tests)."""
    buffer = io.BytesIO()
    writer = Writer(buffer, fields, passphrase=passphrase, signing_key=signing_key)
    writer.write_lines(lines)
    writer.close()
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------------------


def read_header(source: BinaryIO, file_size: int | None = None) -> Header:
    """The header and its checks, without the passphrase; raises SyncFileError."""
    source.seek(0)
    start = source.read(len(MAGIC))
    if start != MAGIC:
        if start in OLD_MAGICS:
            raise SyncFileError(
                "Filen är gjord av en äldre version av ungtui och kan inte läsas in av den "
                "här versionen. Be avsändaren uppdatera ungtui och göra en ny export."
            )
        raise SyncFileError("Det här är ingen synkfil från ungtui.")
    length_bytes = source.read(4)
    if len(length_bytes) < 4:
        raise SyncFileError(TRUNCATED)
    (length,) = struct.unpack(">I", length_bytes)
    if length > MAX_HEADER:
        raise SyncFileError(DAMAGED_HEADER)
    raw = source.read(length)
    signature = source.read(SIGNATURE)
    if len(raw) < length or len(signature) < SIGNATURE:
        raise SyncFileError(TRUNCATED)
    try:
        fields = json.loads(raw)
        if not isinstance(fields, dict):
            raise ValueError("header")
        if fields.get("format") != FORMAT:
            raise SyncFileError("Filen har ett format som den här versionen inte känner.")
        header = _header_from(fields, raw, len(MAGIC) + 4 + length + SIGNATURE)
        public = Ed25519PublicKey.from_public_bytes(header.public_bytes)
        public.verify(signature, _HEADER_LABEL + raw)
    except SyncFileError:
        raise
    except (ValueError, KeyError, TypeError, InvalidSignature, RecursionError) as error:
        raise SyncFileError(DAMAGED_HEADER) from error
    if file_size is None:
        file_size = source.seek(0, os.SEEK_END)
    body = file_size - header.body_offset
    if body < header.body_size:
        raise SyncFileError(TRUNCATED)
    if body > header.body_size:
        raise SyncFileError(DAMAGED_BODY)
    if header.plain_size > MAX_PLAIN or header.plain_size > MAX_RATIO * max(header.body_size, 1):
        raise SyncFileError(
            "Filen blir orimligt stor när den packas upp och har inte lästs in. "
            "Be avsändaren om en ny export."
        )
    return header


def _header_from(fields: dict, raw: bytes, body_offset: int) -> Header:
    def text(name: str, pattern: re.Pattern | None = None, limit: int = 100) -> str:
        value = fields[name]
        if not isinstance(value, str) or len(value) > limit or _UNSAFE_TEXT.search(value):
            raise ValueError(name)
        if pattern is not None and not pattern.fullmatch(value):
            raise ValueError(name)
        return value

    def number(name: str, low: int = 0) -> int:
        value = fields[name]
        if type(value) is not int or value < low:
            raise ValueError(name)
        return value

    public_key = text("public_key")
    if len(base64.b64decode(public_key, validate=True)) != 32:
        raise ValueError("public_key")
    sender_org = fields.get("sender_org")
    if sender_org is not None and not (isinstance(sender_org, str) and _UUID.fullmatch(sender_org)):
        raise ValueError("sender_org")
    kdf = fields["kdf"]
    if not isinstance(kdf, dict) or len(base64.b64decode(kdf["salt"], validate=True)) != 16:
        raise ValueError("kdf")
    key_check = base64.b64decode(text("key_check"), validate=True)
    if number("segment", 1) != SEGMENT:
        raise ValueError("segment")
    kind = text("kind")
    if kind not in ("full", "delta"):
        raise ValueError("kind")
    sender = Party.from_json(fields.get("from"))
    site = text("sender_site", _UUID)
    if sender is not None and fields["from"].get("site") != site:
        raise ValueError("from")
    header = Header(
        sender_site=site,
        sender_org=sender_org,
        public_key=public_key,
        fingerprint=text("fingerprint"),
        schema_version=number("schema_version", 1),
        app_version=text("app_version", re.compile(r"[0-9A-Za-z.+-]{1,40}")),
        file_id=text("file_id", _UUID),
        kind=kind,
        created_hlc=text("created_hlc", _HLC),
        raw=raw,
        recipient=Party.from_json(fields.get("to")),
        sender=sender,
        kdf=kdf,
        key_check=key_check,
        body_size=number("body_size", TAG + SIGNATURE + 1),
        plain_size=number("plain_size"),
        body_offset=body_offset,
        binding=_binding_digest(fields),
    )
    if fingerprint(header.public_bytes) != header.fingerprint:
        raise ValueError("fingerprint")
    return header


def open_file(path: Path) -> BinaryIO:
    """A sync file opened for reading; a missing or unreadable one is one Swedish line."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise SyncFileError(f"Filen {Path(path).name} finns inte.") from None
    except IsADirectoryError:
        raise SyncFileError(f"{Path(path).name} är en mapp, inte en synkfil.") from None
    except OSError as error:
        raise SyncFileError(f"Filen kunde inte läsas: {error.strerror}.") from None


def peek(path: Path) -> Header:
    """The checked header of a file on disk: who sent it, to whom, what kind, how big.
    Reads only the header; needs no passphrase."""
    with open_file(path) as source:
        try:
            return read_header(source)
        except OSError as error:
            raise SyncFileError(f"Filen kunde inte läsas: {error.strerror}.") from None


def open_keys(header: Header, passphrase: str) -> Keys:
    """The passphrase's keys for this file; a wrong passphrase is told apart from damage."""
    try:
        salt = base64.b64decode(header.kdf["salt"])
        encryption, check = passphrase_keys(passphrase, salt, header.kdf)
    except (KeyError, TypeError, ValueError) as error:
        raise SyncFileError(DAMAGED_HEADER) from error
    if not hmac.compare_digest(hmac.digest(check, _KEY_CHECK_LABEL, "sha256"), header.key_check):
        raise WrongPassphrase(
            "Fel lösenfras för filen. Kontrollera teamets gemensamma lösenfras och försök igen."
        )
    return Keys(encryption)


class BodyReader:
    """The lines of a file's body, one at a time, each segment verified before use.

    `segment_digests`: on a second reading of the same file, the digests the first one
    recorded; a segment that differs (the file was changed in between) is refused."""

    def __init__(
        self,
        source: BinaryIO,
        header: Header,
        keys: Keys,
        *,
        segment_digests: list[bytes] | None = None,
    ) -> None:
        self._source = source
        self._header = header
        self._aead = AESGCM(keys.encryption)
        self._public = Ed25519PublicKey.from_public_bytes(header.public_bytes)
        self._expected = segment_digests
        self.segment_digests: list[bytes] = []
        self.plain_bytes = 0
        self.file_digest = ""  # SHA-256 of the whole file, once read to the end

    def lines(self) -> Iterator[bytes]:
        header = self._header
        binding = header.binding
        count = -(-header.body_size // RECORD)
        inflate = zlib.decompressobj()
        buffer = bytearray()
        whole = hashlib.sha256()
        self._source.seek(0)
        whole.update(self._source.read(header.body_offset))
        for index in range(count):
            final = index == count - 1
            size = RECORD if not final else header.body_size - RECORD * (count - 1)
            if size <= TAG + SIGNATURE:
                raise SyncFileError(DAMAGED_BODY)
            record = self._source.read(size)
            if len(record) < size:
                raise SyncFileError(TRUNCATED)
            sealed, signature = record[:-SIGNATURE], record[-SIGNATURE:]
            whole.update(record)
            digest = hashlib.sha256(record).digest()
            if self._expected is not None and (
                index >= len(self._expected) or self._expected[index] != digest
            ):
                raise SyncFileError(
                    "Filen ändrades medan den lästes in. Ingenting har ändrats; läs in den igen."
                )
            self.segment_digests.append(digest)
            try:
                self._public.verify(signature, _segment_message(binding, index, final, sealed))
                chunk = self._aead.decrypt(_nonce(index, final), sealed, binding)
            except (InvalidSignature, InvalidTag):
                raise SyncFileError(DAMAGED_BODY) from None
            data = chunk
            while data:
                if inflate.eof:
                    raise SyncFileError(DAMAGED_BODY)  # data after the end of the stream
                try:
                    out = inflate.decompress(data, INFLATE_STEP)
                except zlib.error:
                    raise SyncFileError(
                        "Filens innehåll går inte att packa upp. Be om en ny kopia."
                    ) from None
                data = inflate.unconsumed_tail
                self.plain_bytes += len(out)
                if self.plain_bytes > header.plain_size:
                    raise SyncFileError(
                        "Filen blir större när den packas upp än den själv anger och har "
                        "inte lästs in. Be avsändaren om en ny export."
                    )
                yield from _split(buffer, out)
            if inflate.unused_data:
                raise SyncFileError(DAMAGED_BODY)
        if not inflate.eof or self.plain_bytes != header.plain_size or buffer:
            raise SyncFileError(DAMAGED_BODY)
        self.file_digest = whole.hexdigest()


def _split(buffer: bytearray, data: bytes) -> Iterator[bytes]:
    """Complete lines from what came before and `data`; the rest stays in `buffer`."""
    start = 0
    while True:
        end = data.find(b"\n", start)
        if end < 0:
            break
        if buffer:
            buffer += data[start:end]
            line = bytes(buffer)
            buffer.clear()
        else:
            line = data[start:end]
        if len(line) > MAX_LINE:
            raise SyncFileError(_LONG_LINE)
        yield line
        start = end + 1
    buffer += data[start:]
    if len(buffer) > MAX_LINE:
        raise SyncFileError(_LONG_LINE)


_LONG_LINE = (
    "En ändring i filen är orimligt stor (mer än 8 MiB) och filen har inte lästs in. "
    "Be avsändaren om en ny export."
)
