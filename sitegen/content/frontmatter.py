"""Splitting a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.content.fields import Invalid


@dataclass(frozen=True)
class SplitFile:
    front_matter: str
    body: str
    front_matter_line: int  # line of the first front-matter line
    body_line: int  # line of the first body line


def split_front_matter(text: str) -> SplitFile:
    """Split `---` front matter from the body; raises Invalid (line 1) when it is missing."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        first = lines[0].strip() if lines else ""
        hint = (
            "start the file with a line `---`, the settings (title:, date: …), then another `---`"
        )
        if first.startswith(("title:", "title：")):
            hint = "add a line `---` above `title:` and another after the last setting"
        raise Invalid("the file does not start with front matter (`---`)", hint, line=1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return SplitFile(
                front_matter="\n".join(lines[1:index]),
                body="\n".join(lines[index + 1 :]),
                front_matter_line=2,
                body_line=index + 2,
            )
    raise Invalid(
        "the front matter is not closed",
        "add a line `---` after the last setting, before the text of the notice",
        line=1,
    )
