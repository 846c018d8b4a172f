"""Typed reading of YAML nodes: each field says what its text means.

A schema is a dict of `Field`s. `FieldReader.read_map` checks every key of a
mapping against it, converts each value, and records a Diagnostic (file, line,
what was expected, what was found, a hint) for every problem instead of
stopping at the first one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.content.yamlnodes import Map, Node, Scalar, Seq
from sitegen.errors import Diagnostics, SourceRef, suggest


class Invalid(Exception):
    """A value that does not fit its field; the reader turns it into a Diagnostic."""

    def __init__(self, message: str, hint: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.line = line


Converter = Callable[[Node, "FieldReader"], Any]


@dataclass(frozen=True)
class Field:
    convert: Converter
    required: bool = False


class FieldReader:
    """Reads the nodes of one file, collecting diagnostics against that file."""

    def __init__(self, path: Path, diagnostics: Diagnostics, tz: ZoneInfo | None = None) -> None:
        self.path = path
        self.diagnostics = diagnostics
        self.tz = tz or ZoneInfo("Asia/Shanghai")

    def where(self, line: int | None) -> SourceRef:
        return SourceRef(self.path, line)

    def error(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.diagnostics.error(self.where(line), message, hint)

    def read_map(
        self, node: Node | None, schema: dict[str, Field], context: str = "", line: int = 1
    ) -> dict[str, Any]:
        """Convert a mapping by `schema`; unknown, missing and invalid fields become errors."""
        if node is None or (isinstance(node, Scalar) and node.is_null):
            node = Map({}, line)
        if not isinstance(node, Map):
            self.error(
                node.line, f"expected a set of `key: value` lines{context}, found {_found(node)}"
            )
            return {}
        result: dict[str, Any] = {}
        for key, value in node.values.items():
            key_line = node.keys.get(key, value.line)
            spec = schema.get(key)
            if spec is None:
                self.error(key_line, f"unknown key `{key}`{context}", _did_you_mean(key, schema))
                continue
            if isinstance(value, Scalar) and value.is_null:
                if spec.required:
                    self.error(key_line, f"`{key}` is empty{context}", "give it a value")
                continue
            try:
                result[key] = spec.convert(value, self)
            except Invalid as problem:
                self.error(problem.line or value.line, f"`{key}`: {problem.message}", problem.hint)
        for key, spec in schema.items():
            if spec.required and key not in result and key not in node.values:
                self.error(
                    node.line, f"missing required key `{key}`{context}", f"add a line `{key}: …`"
                )
        return result


def _did_you_mean(key: str, schema: dict[str, Field]) -> str:
    return suggest(key, schema, "allowed keys: " + ", ".join(f"`{name}`" for name in schema))


def _found(node: Node) -> str:
    if isinstance(node, Scalar):
        return f"`{node.text}`"
    if isinstance(node, Seq):
        return "a list"
    return "a set of `key: value` lines"


def _scalar(node: Node, expected: str) -> Scalar:
    if not isinstance(node, Scalar):
        raise Invalid(f"expected {expected}, found {_found(node)}")
    return node


# --- converters ---------------------------------------------------------------


def text(node: Node, reader: FieldReader) -> str:
    scalar = _scalar(node, "text")
    if scalar.comment_after:
        reader.diagnostics.warning(
            reader.where(scalar.line),
            f"only `{scalar.text}` is read here: in YAML, ` #` starts a comment",
            f'if the `#` part belongs to the text, put it all in quotes: "{scalar.text} #…"',
        )
    return scalar.text.strip()


def list_item_text(node: Node, reader: FieldReader) -> str:
    """Text in a list, where a Chinese comma is almost always meant as a separator."""
    value = text(node, reader)
    if "，" in value or "、" in value:
        reader.diagnostics.warning(
            reader.where(node.line),
            f"`{value}` is read as one item: list items are separated by an English comma",
            "write [防火, 安全], not [防火，安全]",
        )
    return value


# Larger than any count, size or day a site holds, and than the 64-bit numbers the
# build record stores: a value past it is a slip of the keyboard.
LARGEST_NUMBER = 10**12


def whole_number(node: Node, reader: FieldReader) -> int:
    raw = _scalar(node, "a whole number").text.strip()
    cleaned = raw.replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d{1,15}", cleaned):
        value = int(cleaned)
        if abs(value) <= LARGEST_NUMBER:
            return value
    if re.fullmatch(r"[+-]?\d+", cleaned):
        raise Invalid(
            f"`{raw}` is far larger than any number sitegen reads here", "check the digits"
        )
    raise Invalid(f"expected a whole number, found `{raw}`", "write digits only, for example 1850")


def number(node: Node, reader: FieldReader) -> float:
    raw = _scalar(node, "a number").text.strip()
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        raise Invalid(
            f"expected a number, found `{raw}`", "write digits, for example 1.25"
        ) from None
    if not math.isfinite(value) or abs(value) > LARGEST_NUMBER:
        raise Invalid(f"`{raw}` is not a number sitegen can use here", "check the digits")
    return value


_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_CHINESE_TRUE = {"是", "对", "要", "需要", "真", "有"}
_CHINESE_FALSE = {"否", "不", "不要", "不需要", "假", "无", "没有"}


def boolean(node: Node, reader: FieldReader) -> bool:
    raw = _scalar(node, "true or false").text.strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if raw in _CHINESE_TRUE:
        hint = "write `true` (in English letters)"
    elif raw in _CHINESE_FALSE:
        hint = "write `false` (in English letters), or leave the line out"
    else:
        hint = "write `true` to turn it on; leave the line out (or write `false`) to turn it off"
    raise Invalid(f"expected true or false, found `{raw}`", hint)


def one_of(*choices: str) -> Converter:
    def convert(node: Node, reader: FieldReader) -> str:
        raw = _scalar(node, "one of " + ", ".join(choices)).text.strip()
        for choice in choices:
            if raw.lower() == choice.lower():
                return choice
        hint = suggest(raw, choices, "use one of " + ", ".join(choices))
        raise Invalid(f"`{raw}` is not one of {', '.join(choices)}", hint)

    return convert


def list_of(item: Converter) -> Converter:
    """A list; a single scalar is taken as a list of one (`tags: 停水`)."""

    def convert(node: Node, reader: FieldReader) -> list[Any]:
        if isinstance(node, Scalar):
            return [item(node, reader)]
        if isinstance(node, Map):
            raise Invalid("expected a list, found a set of `key: value` lines")
        values = []
        for element in node.items:
            try:
                values.append(item(element, reader))
            except Invalid as problem:
                if problem.line is None:
                    problem.line = element.line
                raise
        return values

    return convert


def record(schema: dict[str, Field], what: str) -> Converter:
    """A nested mapping read by its own schema; problems are reported inside it."""

    def convert(node: Node, reader: FieldReader) -> dict[str, Any]:
        if not isinstance(node, Map):
            raise Invalid(f"expected {what} as `key: value` lines, found {_found(node)}")
        return reader.read_map(node, schema, context=f" in {what}", line=node.line)

    return convert


def free_form(node: Node, reader: FieldReader) -> Any:
    """Plain data for `extra:`: text stays text; lists and maps keep their shape."""
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Seq):
        return [free_form(item, reader) for item in node.items]
    return {key: free_form(value, reader) for key, value in node.values.items()}


def moment(node: Node, reader: FieldReader, *, end_of_day: bool = False) -> datetime:
    """A date or datetime; without an offset it is in the site's time zone.

    A date alone means the start of that day, or with `end_of_day` the first
    moment after it (so `expires: 2026-11-19` keeps a notice up all that day).
    """
    raw = _scalar(node, "a date").text.strip()
    return parse_moment(raw, reader.tz, end_of_day=end_of_day)


def moment_end(node: Node, reader: FieldReader) -> datetime | None:
    """An end (`expires`, a campaign's `end`); one in the year 9999 means never (None)."""
    raw = _scalar(node, "a date").text.strip()
    if raw.startswith("9999-"):
        return None
    return parse_moment(raw, reader.tz, end_of_day=True)


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_HINT = "write it as 2026-11-20, 2026-11-20 09:00 or 2026-11-20T09:00:00+08:00"


FIRST_YEAR, LAST_YEAR = 1900, 9998


def parse_moment(raw: str, tz: ZoneInfo, *, end_of_day: bool = False) -> datetime:
    """Parse the date forms users write; raises Invalid with a hint for anything else.

    A moment written with another offset is taken to the site's time zone, so it
    shows as the date and time residents there read. Years outside 1900-9998 are
    refused: they are typing slips, and at the ends of Python's calendar a time
    zone can carry a moment past them."""
    moment = _parse_moment(raw, tz, end_of_day)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(
            f"`{raw}`: the year {moment.year} is not a year a notice belongs to "
            f"(sitegen takes {FIRST_YEAR} to {LAST_YEAR})",
            "check the year; for a notice that never expires, leave `expires` out "
            "(or write `expires: 9999-12-31`)",
        )
    return moment


def _parse_moment(raw: str, tz: ZoneInfo, end_of_day: bool) -> datetime:
    cleaned = raw.strip()
    if _DATE_ONLY.fullmatch(cleaned):
        try:
            day = date.fromisoformat(cleaned)
        except ValueError:
            raise Invalid(f"`{raw}` is not a real date", _DATE_HINT) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return datetime.combine(day, time(0, 0))  # refused by the caller, by its year
        start = datetime.combine(day, time(0, 0), tzinfo=tz)
        return start + timedelta(days=1) if end_of_day else start
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        hint = _DATE_HINT
        if re.fullmatch(r"\d{4}[/.年]\d{1,2}[/.月]\d{1,2}日?", cleaned):
            hint = "use dashes: " + _DATE_HINT
        raise Invalid(f"expected a date, found `{raw}`", hint) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return value  # refused by the caller, by its year
    return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
