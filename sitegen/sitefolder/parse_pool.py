"""Reading and parsing many content files, on all cores when there are enough of them.

Python-Markdown takes about 1.7 ms a notice; a ten-year archive has ten thousand.
Each worker builds its own parse context (and Markdown converter) once, then
reads and parses batches of files; results come back in file order with each
file's diagnostics, so messages read the same as in a one-process run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sitegen import workers
from sitegen.content.markup import MarkdownConverter
from sitegen.content.parse import ParseContext
from sitegen.content.sourcetext import read_source
from sitegen.errors import Diagnostic, Diagnostics

PARALLEL_MIN = 300  # below this, starting processes costs more than it saves
BATCH = 100

Parse = Callable[[str, Path, str, ParseContext], Any]
Parsed = tuple[Any, list[Diagnostic]]
# Parse these files of the site with this parser and context: each file's item and diagnostics.
ParseMany = Callable[[Path, list[str], Parse, ParseContext], list[Parsed]]


def read_and_parse(site_dir: Path, content_path: str, parse: Parse, ctx: ParseContext) -> Parsed:
    """One file: decoded, parsed, and the diagnostics it gave."""
    diagnostics = Diagnostics()
    shown = Path("content") / content_path
    text = read_source(site_dir / shown, shown, diagnostics)
    if text is None:
        return None, diagnostics.items
    item = parse(text, shown, content_path, replace(ctx, diagnostics=diagnostics))
    return item, diagnostics.items


def parse_files(site_dir: Path, paths: list[str], parse: Parse, ctx: ParseContext) -> list[Parsed]:
    """Every file of `paths`, parsed, in order, on all cores when there are enough."""
    if len(paths) < PARALLEL_MIN or workers.cores() == 1:
        return [read_and_parse(site_dir, path, parse, ctx) for path in paths]
    batches = [paths[i : i + BATCH] for i in range(0, len(paths), BATCH)]
    shared = (
        site_dir,
        ctx.config,
        ctx.converter.content_files,
        ctx.community_slugs,
        ctx.campaign_slugs,
        ctx.theme_names,
        ctx.pinyin,
    )
    with workers.pool(_start_worker, shared) as pool:
        results: list[Parsed] = []
        for batch_results in pool.map(_parse_batch, batches, [parse] * len(batches)):
            results.extend(batch_results)
    return results


_worker: tuple[Path, ParseContext] | None = None


def _start_worker(
    site_dir, config, content_files, community_slugs, campaign_slugs, theme_names, pinyin
) -> None:
    global _worker
    ctx = ParseContext(
        config,
        MarkdownConverter(content_files),
        Diagnostics(),
        community_slugs=community_slugs,
        campaign_slugs=campaign_slugs,
        theme_names=theme_names,
        pinyin=pinyin,
    )
    _worker = (site_dir, ctx)


def _parse_batch(paths: list[str], parse: Parse) -> list[Parsed]:
    assert _worker is not None, "worker not started"
    site_dir, ctx = _worker
    return [read_and_parse(site_dir, path, parse, ctx) for path in paths]
