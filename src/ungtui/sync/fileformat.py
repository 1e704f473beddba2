"""The sync file: a plaintext header and an encrypted, compressed, signed body (sync.md §6.4).

Layout: MAGIC | u32 header length | header JSON | AES-256-GCM ciphertext.

The header holds no personal data: format, schema, who sends (site and organisation) and
to whom (the receiving organisation), key fingerprint, the key-derivation parameters and a
key check. Organisations are public bodies, named by number and name; the receiver checks
the address before it decrypts anything. It is the AEAD's associated data, so any edit
of it makes decryption fail. The key check (from the same passphrase, by HKDF) tells a
wrong passphrase apart from a damaged file. Inside: gzip of JSON lines, the change set,
and a last line with an Ed25519 signature over the header and a SHA-256 of the lines.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import os
import struct
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ungtui.sync.changes import ChangeSet

MAGIC = b"UNGSYNC1\n"
FORMAT = "ungtui-sync/1"
SUFFIX = ".ungsync"
# Argon2id as RFC 9106's second recommendation; 64 MiB and about 0.1 s here.
KDF_PARAMS = {"alg": "argon2id", "t": 3, "m": 65536, "p": 4}
MAX_HEADER = 64 * 1024
# The header is read before anything in it can be checked: a file may ask for at most
# this much work (time cost, KiB of memory, lanes) before it is taken as damaged.
KDF_LIMITS = {"t": 10, "m": 1024 * 1024, "p": 16}


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
        if not isinstance(data, dict):
            return None
        return cls(
            org_nr=str(data["org_nr"]) if data.get("org_nr") else None,
            id=str(data["id"]) if data.get("id") else None,
            name=str(data.get("name") or ""),
            domain=str(data["domain"]) if data.get("domain") else None,
        )


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
    raw: bytes  # exactly as in the file: the associated data
    # The address: the organisation the file is for, and the sending organisation. Files
    # from versions before addresses have neither.
    recipient: Party | None = None
    sender: Party | None = None


def fingerprint(public_key: bytes) -> str:
    """Eight groups of four hex digits: short enough to read aloud over the phone."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def passphrase_keys(passphrase: str, salt: bytes, params: dict) -> tuple[bytes, bytes]:
    if params.get("alg") != "argon2id":
        raise SyncFileError("Filen är krypterad på ett sätt som den här versionen inte känner.")
    costs = {name: int(params[name]) for name in KDF_LIMITS}
    if not all(1 <= costs[name] <= limit for name, limit in KDF_LIMITS.items()):
        raise ValueError("key-derivation cost out of range")
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


def _lines(changes: ChangeSet) -> list[bytes]:
    manifest = {
        "sender": changes.sender,
        "seq_from": changes.seq_from,
        "seq_to": changes.seq_to,
        "full": changes.full,
        "acks": changes.acks,
        "grants": changes.grants,
        "purges": changes.purges,
        "narrowed": changes.narrowed,
        "merges": changes.merges,
        "org_merges": changes.org_merges,
        "rows": len(changes.rows),
    }
    out = [json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode()]
    out += [
        json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() for row in changes.rows
    ]
    return out


def write_bytes(
    changes: ChangeSet,
    *,
    passphrase: str,
    signing_key: Ed25519PrivateKey,
    sender_org: str | None,
    schema_version: int,
    app_version: str,
    file_id: str,
    created_hlc: str,
    recipient: Party | None = None,
    sender: Party | None = None,
) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    enc_key, check_key = passphrase_keys(passphrase, salt, KDF_PARAMS)
    public = public_bytes(signing_key)
    header = {
        "format": FORMAT,
        "schema_version": schema_version,
        "app_version": app_version,
        "sender_site": changes.sender,
        "sender_org": sender_org,
        "public_key": base64.b64encode(public).decode(),
        "fingerprint": fingerprint(public),
        "file_id": file_id,
        "kind": "full" if changes.full else "delta",
        "created_hlc": created_hlc,
        "to": recipient.to_json() if recipient else None,
        "from": {"site": changes.sender, **(sender.to_json() if sender else {})},
        "kdf": {**KDF_PARAMS, "salt": base64.b64encode(salt).decode()},
        "nonce": base64.b64encode(nonce).decode(),
        "key_check": base64.b64encode(
            hmac.digest(check_key, b"ungtui key check", "sha256")
        ).decode(),
    }
    raw_header = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    lines = _lines(changes)
    digest = hashlib.sha256(b"\n".join(lines)).digest()
    signature = signing_key.sign(raw_header + digest)
    trailer = {
        "count": len(lines),
        "sha256": digest.hex(),
        "signature": base64.b64encode(signature).decode(),
    }
    body = b"\n".join([*lines, json.dumps(trailer, separators=(",", ":")).encode()])
    sealed = AESGCM(enc_key).encrypt(nonce, gzip.compress(body, compresslevel=6), raw_header)
    return MAGIC + struct.pack(">I", len(raw_header)) + raw_header + sealed


def read_header(data: bytes) -> tuple[Header, dict, bytes]:
    """The plaintext header, without the passphrase; raises SyncFileError if malformed."""
    if not data.startswith(MAGIC):
        raise SyncFileError("Det här är ingen synkfil från ungtui.")
    start = len(MAGIC)
    if len(data) < start + 4:
        raise SyncFileError("Filen är ofullständig (avkortad). Be om en ny kopia.")
    (length,) = struct.unpack(">I", data[start : start + 4])
    if length > MAX_HEADER or len(data) < start + 4 + length:
        raise SyncFileError("Filen är ofullständig (avkortad). Be om en ny kopia.")
    raw = data[start + 4 : start + 4 + length]
    try:
        fields = json.loads(raw)
        header = Header(
            sender_site=str(fields["sender_site"]),
            sender_org=fields.get("sender_org"),
            public_key=str(fields["public_key"]),
            fingerprint=str(fields["fingerprint"]),
            schema_version=int(fields["schema_version"]),
            app_version=str(fields["app_version"]),
            file_id=str(fields["file_id"]),
            kind=str(fields["kind"]),
            created_hlc=str(fields["created_hlc"]),
            raw=raw,
            recipient=Party.from_json(fields.get("to")),
            sender=Party.from_json(fields.get("from")),
        )
        if fields.get("format") != FORMAT:
            raise SyncFileError("Filen har ett format som den här versionen inte känner.")
    except (ValueError, KeyError, TypeError) as error:
        raise SyncFileError("Filens huvud är skadat eller ändrat. Be om en ny kopia.") from error
    return header, fields, data[start + 4 + length :]


def read_bytes(data: bytes, *, passphrase: str, schema_version: int) -> tuple[Header, ChangeSet]:
    """Check and open a whole file before anything is written anywhere."""
    header, fields, sealed = read_header(data)
    if header.schema_version > schema_version:
        raise NewerSchema(
            f"Filen kommer från en nyare version av ungtui (databasversion "
            f"{header.schema_version}). Uppdatera ungtui och försök igen."
        )
    try:
        salt = base64.b64decode(fields["kdf"]["salt"])
        nonce = base64.b64decode(fields["nonce"])
        key_check = base64.b64decode(fields["key_check"])
        enc_key, check_key = passphrase_keys(passphrase, salt, fields["kdf"])
    except (KeyError, TypeError, ValueError) as error:
        raise SyncFileError("Filens huvud är skadat eller ändrat. Be om en ny kopia.") from error
    if not hmac.compare_digest(hmac.digest(check_key, b"ungtui key check", "sha256"), key_check):
        raise WrongPassphrase(
            "Fel lösenfras för filen. Kontrollera teamets gemensamma lösenfras och försök igen."
        )
    try:
        body = gzip.decompress(AESGCM(enc_key).decrypt(nonce, sealed, header.raw))
    except (InvalidTag, ValueError):
        raise SyncFileError(
            "Filen är skadad, avkortad eller ändrad efter att den skapades. Be om en ny kopia."
        ) from None
    except (OSError, EOFError, zlib.error):
        raise SyncFileError("Filens innehåll går inte att packa upp. Be om en ny kopia.") from None
    lines = body.split(b"\n")
    try:
        trailer = json.loads(lines[-1])
        lines = lines[:-1]
        digest = hashlib.sha256(b"\n".join(lines)).digest()
        if trailer["count"] != len(lines) or trailer["sha256"] != digest.hex():
            raise SyncFileError("Filens innehåll stämmer inte med sin kontrollsumma.")
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(header.public_key))
        public.verify(base64.b64decode(trailer["signature"]), header.raw + digest)
        manifest = json.loads(lines[0])
        rows = [json.loads(line) for line in lines[1:]]
    except InvalidSignature:
        raise SyncFileError(
            "Filens underskrift stämmer inte. Den kan ha ändrats; ta inte in den."
        ) from None
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise SyncFileError("Filens innehåll är skadat. Be om en ny kopia.") from error
    if fingerprint(base64.b64decode(header.public_key)) != header.fingerprint:
        raise SyncFileError("Filens huvud är skadat eller ändrat. Be om en ny kopia.")
    if manifest.get("sender") != header.sender_site or len(rows) != manifest.get("rows"):
        raise SyncFileError("Filens innehåll stämmer inte med dess huvud.")
    changes = ChangeSet(
        sender=manifest["sender"],
        seq_from=int(manifest["seq_from"]),
        seq_to=int(manifest["seq_to"]),
        full=bool(manifest["full"]),
        rows=rows,
        merges=manifest.get("merges", []),
        purges=manifest.get("purges", []),
        narrowed=_narrowed(manifest.get("narrowed")),
        grants=manifest.get("grants", []),
        acks={k: int(v) for k, v in manifest.get("acks", {}).items()},
        org_merges=manifest.get("org_merges", []),
    )
    return header, changes


def _narrowed(data: object) -> dict[str, list[str]]:
    """{person: [categories]} the receiver must drop; anything else is a damaged file."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(cats, list) and all(isinstance(c, str) for c in cats)
        for cats in data.values()
    ):
        raise SyncFileError("Filens innehåll är skadat. Be om en ny kopia.")
    return {str(pid): list(cats) for pid, cats in data.items()}
