"""What the cache stores, as plain typed data: never anything that runs code when read.

The cache lives in the site folder, and site folders are passed on (a zip from
a colleague, a copy from a shared drive), so what is read back from it is
untrusted: pickle would run whatever a crafted cache asks for. Entries are
MessagePack, decoded by msgspec against the very dataclasses they were made
from, so a damaged or crafted entry is a `CacheEntryError` (and is dropped and
made again), never code run and never an object of an unexpected shape.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar, get_args, get_type_hints
from zoneinfo import ZoneInfo

import msgspec

T = TypeVar("T")

CacheEntryError = (msgspec.DecodeError, msgspec.ValidationError)


def _encode_hook(value: Any) -> Any:
    if isinstance(value, PurePosixPath | Path):
        return value.as_posix()
    # Imported here, as the parse cache's items are coded: the model is a tenth of a
    # build with nothing to do, whose record holds none of it.
    from sitegen.model import Body

    if isinstance(value, Body):
        return None  # bodies have a column of their own
    raise NotImplementedError(f"the cache cannot keep a {type(value).__name__}")


def _decode_hook(wanted: type, value: Any) -> Any:
    if wanted is Path and isinstance(value, str):
        return Path(value)
    from sitegen.model import Body  # see _encode_hook

    if wanted is Body and value is None:
        return Body("")
    raise NotImplementedError(f"not a {wanted.__name__}")


_encoder = msgspec.msgpack.Encoder(enc_hook=_encode_hook)
_decoders: dict[Any, msgspec.msgpack.Decoder] = {}


def encode(value: Any) -> bytes:
    return _encoder.encode(value)


def decode(data: bytes, wanted: type[T]) -> T:
    """`data` as a `wanted`, checked field by field; raises one of CacheEntryError."""
    decoder = _decoders.get(wanted)
    if decoder is None:
        decoder = _decoders[wanted] = msgspec.msgpack.Decoder(wanted, dec_hook=_decode_hook)
    return decoder.decode(data)


def in_zone(item: T, tz: ZoneInfo) -> T:
    """`item`, just decoded and held by nothing else, with its moments put back in the
    site's time zone (MessagePack keeps them in UTC). Set in place: building a new
    frozen item with dataclasses.replace took half a one-edit rebuild's loading."""
    for name in _moments(type(item)):
        value = getattr(item, name)
        if value is not None:
            object.__setattr__(item, name, value.astimezone(tz))
    return item


@functools.cache
def _moments(item_type: type) -> tuple[str, ...]:
    """The fields of `item_type` that hold a datetime (or None)."""
    hints = get_type_hints(item_type)
    return tuple(
        f.name
        for f in dataclasses.fields(item_type)
        if datetime in (hints[f.name], *get_args(hints[f.name]))
    )
