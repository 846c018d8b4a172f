"""An item's identity: a digest of everything it is, read from the item itself.

Every field of a model item (a notice, a page, a campaign) goes into it, as
msgspec encodes a dataclass: each field by name, the records it holds field by
field, sets and maps in sorted order (so the digest is the same in every
process). Its address and file path count as much as its title and dates, and a
field added to the model is in every identity without a line written for it.
The body's HTML is left out: it is made from the file's text, whose digest is a
field, by code whose digest is in every key (incremental/code_version.py).
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

import msgspec


def identity_of(item: Any, left_out: type) -> str:
    """The digest of `item`, every field of it; values of type `left_out` (the body,
    which is described by the digest of the text it is made from) count as nothing.
    The item's own `identity` field is expected empty."""
    encoder = _encoders.get(left_out)
    if encoder is None:
        encoder = _encoders[left_out] = msgspec.msgpack.Encoder(
            enc_hook=lambda value: _plain(value, left_out), order="deterministic"
        )
    return hashlib.blake2b(encoder.encode(item), digest_size=16).hexdigest()


_encoders: dict[type, msgspec.msgpack.Encoder] = {}


def _plain(value: Any, left_out: type) -> Any:
    if isinstance(value, left_out):
        return None
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, ZoneInfo):
        return value.key
    raise TypeError(f"an identity cannot describe a {type(value).__name__}")
