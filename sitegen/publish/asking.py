"""Asking the person at the keyboard: a yes or no on a terminal, and a refusal
(with what to do instead) where there is none, as in a scheduled task."""

from __future__ import annotations

import sys

from sitegen.errors import UserError

YES = ("y", "yes", "是")


def agreed(question: str, without_terminal: UserError) -> bool:
    """The answer to `question` (ending in `[y/N] `); raises `without_terminal` when
    there is no terminal to ask on."""
    if not sys.stdin.isatty():
        raise without_terminal
    return input(question).strip().lower() in YES
