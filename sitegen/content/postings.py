"""content/postings.yaml: the posting rounds, what was put up on which board and when.

`sitegen boards posted` appends a round per board; staff may read and correct the
file like any other. The posting list compares each board's last round with what
is due now (site/posting.py).
"""

from __future__ import annotations

from pathlib import Path

from sitegen.content import schemas
from sitegen.content.config import read_yaml
from sitegen.content.fields import FieldReader
from sitegen.content.slugs import is_valid_slug
from sitegen.content.yamlnodes import Map, Scalar, Seq
from sitegen.errors import Diagnostics
from sitegen.model import PostingRound

POSTINGS_FILE = "postings.yaml"  # in content/
HEADER = """\
# 宣传栏张贴记录：每次张贴完，运行 `sitegen boards posted`，程序就在下面记一轮。
# 每一轮：date 哪天贴的，board 哪个宣传栏（社区代号/栏的编号），posters 贴上了哪些通知（通知的网址名）。
# 记错了可以直接改；改完运行 `sitegen check` 看看有没有写错。
rounds:
"""


def parse_postings(text: str, source: Path, diagnostics: Diagnostics, tz) -> list[PostingRound]:
    """Every round of the file, in its order; problems go to `diagnostics`."""
    reader = FieldReader(source, diagnostics, tz)
    node = read_yaml(text, reader)
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return []
    reader.read_map(node, schemas.POSTINGS)
    found = node.values.get("rounds") if isinstance(node, Map) else None
    if found is None or (isinstance(found, Scalar) and found.is_null):
        return []
    if not isinstance(found, Seq):
        reader.error(found.line, "`rounds` is a list: each round starts with `- date: …`")
        return []
    rounds = []
    for item in found.items:
        values = reader.read_map(item, schemas.POSTING_ROUND, " in a posting round", item.line)
        if not {"date", "board"} <= values.keys():
            continue
        community, _, board = values["board"].partition("/")
        if not (is_valid_slug(community) and is_valid_slug(board)):
            line = item.keys.get("board", item.line) if isinstance(item, Map) else item.line
            reader.error(
                line,
                f"`board: {values['board']}` is not a community and a board",
                "write the community's file name and the board's id, for example "
                "`board: longchi/dongmen`",
            )
            continue
        posters = tuple(values.get("posters", ()))
        rounds.append(PostingRound(values["date"], community, board, posters, item.line))
    return rounds


def round_text(round_: PostingRound, tz) -> str:
    """One round as the lines `sitegen boards posted` appends under `rounds:`."""
    when = round_.date.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    lines = [f"  - date: {when}", f"    board: {round_.community}/{round_.board}"]
    lines.append("    posters:" + ("" if round_.posters else " []"))
    lines += [f"      - {slug}" for slug in round_.posters]
    return "\n".join(lines) + "\n"
