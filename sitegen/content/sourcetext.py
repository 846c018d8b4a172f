"""Reading the bytes users save: UTF-8 with or without BOM, CRLF, and GB18030 from older editors."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Diagnostic, Diagnostics, SourceRef


@dataclass(frozen=True)
class DecodedText:
    text: str
    warnings: tuple[Diagnostic, ...] = ()


# Characters no XML document may hold (an Atom feed with one is not XML at all)
# and no HTML page should: controls other than tab and newline, and the two
# non-characters. Pasted from PDFs, terminals and old databases.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class UndecodableFile(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def read_source(path: Path, shown: Path, diagnostics: Diagnostics) -> str | None:
    """The text of a file users write (`shown` names it in messages), with what its
    decoding found added to `diagnostics`; None when it cannot be decoded. A file that
    cannot be read raises OSError, for the caller to say what that means there."""
    try:
        decoded = decode_source(path.read_bytes(), shown)
    except UndecodableFile as err:
        diagnostics.items.append(err.diagnostic)
        return None
    diagnostics.items.extend(decoded.warnings)
    return decoded.text


def decode_source(data: bytes, shown_path: Path) -> DecodedText:
    """Decode a content file to text with LF line endings.

    UTF-8 is expected; a UTF-8 BOM (Notepad) is dropped. Text that is not UTF-8 but
    is valid GB18030 (a superset of GBK and GB2312) is accepted with a warning, since
    older Chinese editors still save it. Anything else names the first bad byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    warning = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise UndecodableFile(
                Diagnostic(
                    SourceRef(shown_path, _line_of_offset(data, utf8_error.start)),
                    f"the file is not UTF-8 text: byte offset {utf8_error.start} "
                    f"(0x{data[utf8_error.start]:02x}) cannot be decoded",
                    "re-save the file as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8)",
                )
            ) from utf8_error
        warning = Diagnostic(
            SourceRef(shown_path),
            "the file is saved as GBK/GB18030, not UTF-8; it was read, but other tools may not",
            "re-save it as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8; "
            "in VS Code: click 'GB 18030' in the status bar > Save with Encoding > UTF-8)",
            severity="warning",
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    warnings = (warning,) if warning else ()
    if _UNSHOWABLE.search(text):
        text, removed = _without_unshowable(text, shown_path)
        warnings += (removed,)
    return DecodedText(text, warnings)


def _without_unshowable(text: str, shown_path: Path) -> tuple[str, Diagnostic]:
    """`text` without its control characters, and the warning that says where they were."""
    found = _UNSHOWABLE.search(text)
    assert found is not None
    line = text.count("\n", 0, found.start()) + 1
    count = len(_UNSHOWABLE.findall(text))
    codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in _UNSHOWABLE.findall(text)}))
    more = f" ({count} in all)" if count > 1 else ""
    return _UNSHOWABLE.sub("", text), Diagnostic(
        SourceRef(shown_path, line),
        f"an invisible control character ({codes}) was removed{more}: pages and feeds "
        "cannot hold it",
        "it usually comes with text pasted from a PDF or another program; retype the line "
        "if anything looks wrong",
        severity="warning",
    )


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
