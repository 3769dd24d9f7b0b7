"""Twin tasks: the same task in two plans (a county plan copying a city plan's task).

Two tasks are twins when their title and goal say the same once spaces, punctuation and the
width of characters are set aside; a unit asked both in the same month is asked once and its
answer is filed to both (``reporting/twins.py``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_IGNORED = ("P", "Z", "C", "S")  # punctuation, separators, controls, symbols


@lru_cache(maxsize=4096)  # the same tasks are keyed on every message of a reporter
def task_text_key(title: str, goal: str) -> str:
    """What two tasks must share to be twins: their title and goal, normalised (NFKC,
    case folded, without spaces, punctuation and symbols); empty when there is no text."""
    text = unicodedata.normalize("NFKC", f"{title}{goal}").casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] not in _IGNORED)
