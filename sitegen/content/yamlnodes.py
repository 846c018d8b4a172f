"""YAML parsed into position-carrying nodes, with no type guessing.

PyYAML resolves plain scalars the YAML 1.1 way (`no` is False, `10:00` is 600).
For people writing notices that is a trap, so we only *compose* the document:
every scalar keeps the exact text that was written and its line, and the field
schema (`sitegen.content.fields`) decides what the text means. That is the YAML 1.2
reading users expect, and it lets every message name the line of the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Scalar:
    text: str
    line: int
    quoted: bool = False
    comment_after: bool = False  # a ` # …` follows on the same line (YAML drops it)

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True)
class Seq:
    items: list[Node]
    line: int


@dataclass(frozen=True)
class Map:
    """A mapping; `keys` holds each key's own line (values carry theirs)."""

    values: dict[str, Node]
    line: int
    keys: dict[str, int] = field(default_factory=dict)


Node = Scalar | Seq | Map


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


class DuplicateKey(YamlSyntaxError):
    pass


def parse_yaml(text: str, first_line: int = 1) -> Node | None:
    """Compose YAML text into nodes; lines are counted from `first_line`."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark and "flow" in (err.context or ""):
            mark = err.context_mark  # an unclosed [ or {: point at where it opened
        line = (mark.line + first_line) if mark else first_line
        if "：" not in _line_text(text, mark) and "：" in _line_text(text, _previous(mark)):
            line -= 1  # `key：value` only fails on the line after it
        hint = _hint_for(err, text, mark)
        if hint and "{line}" in hint:
            hint = hint.replace("{line}", str(line))
        raise YamlSyntaxError(line, _describe(err), hint) from err
    except yaml.YAMLError as err:
        raise YamlSyntaxError(first_line, str(err), None) from err
    except RecursionError:
        raise _too_deep(first_line) from None
    return None if root is None else _convert(root, first_line, text.split("\n"), set(), 0)


MAX_DEPTH = 20  # levels of lists and maps; a community profile needs four
_DEPTH_HINT = "check the indentation and the [ ] and { } here: content never needs this many levels"


def _too_deep(line: int) -> YamlSyntaxError:
    return YamlSyntaxError(
        line,
        f"lists and maps are nested more than {MAX_DEPTH} levels deep",
        _DEPTH_HINT,
    )


def _convert(
    node: yaml.Node, first_line: int, lines: list[str], seen: set[int], depth: int
) -> Node:
    """`node` as our nodes. An alias (`*name`) gives a node already seen: refused, as
    staff never need them and a few lines of them can stand for billions of values."""
    line = node.start_mark.line + first_line
    if id(node) in seen:
        raise YamlSyntaxError(
            line,
            f"a YAML alias (`*name`) repeats the value on line {line}: aliases are not "
            "allowed in content files",
            "write the value out again where it is needed",
        )
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _too_deep(line)
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        rest = lines[end.line][end.column :] if end.line < len(lines) else ""
        return Scalar(
            node.value,
            line,
            quoted=node.style in ("'", '"', "|", ">"),
            comment_after=not node.style and rest.lstrip().startswith("#"),
        )
    if isinstance(node, yaml.SequenceNode):
        return Seq(
            [_convert(item, first_line, lines, seen, depth + 1) for item in node.value], line
        )
    values: dict[str, Node] = {}
    keys: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + first_line
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlSyntaxError(key_line, "a key must be plain text", None)
        key = key_node.value
        if key in values:
            raise DuplicateKey(
                key_line,
                f"the key `{key}` appears twice (first on line {keys[key]})",
                "keep one of them",
            )
        values[key] = _convert(value_node, first_line, lines, seen, depth + 1)
        keys[key] = key_line
    return Map(values, line, keys)


def _describe(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or err.context or "invalid YAML"
    return f"YAML syntax error: {problem}"


def _hint_for(err: yaml.MarkedYAMLError, text: str, mark: yaml.Mark | None) -> str | None:
    problem = err.problem or ""
    if "flow sequence" in (err.context or ""):
        return "close the list with `]` (it starts with `[` on line {line})"
    if "flow mapping" in (err.context or ""):
        return "close the braces with `}`"
    if "：" in _line_text(text, mark) or "：" in _line_text(text, _previous(mark)):
        return "use an English colon and a space (`key: value`), not the Chinese `：`"
    if "mapping values are not allowed" in problem:
        return "put the value in quotes: it contains ': ' (for example  title: \"时间: 9:30\")"
    if "found character '\\t'" in problem or "\t" in _line_text(text, mark):
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line should be `key: value`; check the indentation of this and the line above"
    if "nesting depth" in problem:
        return _DEPTH_HINT
    if "found undefined alias" in problem or "found unknown escape" in problem:
        return "put the value in quotes"
    return None


def _previous(mark: yaml.Mark | None) -> yaml.Mark | None:
    if mark is None or mark.line == 0:
        return None
    return yaml.Mark(mark.name, mark.index, mark.line - 1, 0, mark.buffer, mark.pointer)


def _line_text(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    return lines[mark.line] if mark.line < len(lines) else ""
