"""The 进展情况 of one report as one text: the narrative, then 存在问题 and 下步打算 when given.

Many 调度 forms ask, beside what was done, for the problems met (存在问题) and the next steps
(下步打算); a plan may ask for them (``duban plan fields``). A report keeps the three apart;
wherever one cell or one paragraph shows a report (the confirmation, /history, digests,
exports), :func:`progress_text` joins them, the same way everywhere.

Each extra field is ``None`` when it was not asked and ``""`` when the reporter said 无.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.domain.messages import N_

PROBLEMS_LINE = N_("Problems: {text}")  # 存在问题：……
NEXT_STEPS_LINE = N_("Next steps: {text}")  # 下步打算：……
EXTRA_MAX_CHARS = 1000  # each extra field; the narrative has its own limit

_NONE = re.compile(
    r"^(?:无|無|没有|沒有|暂无|暫無|暂时没有|暫時沒有|无问题|無問題|没有问题|沒有問題|"
    r"none|no|nil|n/?a|-+|—+|/)$",
    re.IGNORECASE,
)


def says_none(text: str) -> bool:
    """Whether a reply to an extra field means "nothing" (无, 没有, 暂无, none, —)."""
    return bool(_NONE.match(text.strip().strip("。.！!；;，, ")))


def progress_text(
    narrative: str,
    problems: str | None,
    next_steps: str | None,
    gettext: Callable[..., str],
) -> str:
    """``narrative`` + ``存在问题：……`` + ``下步打算：……``, each on its own line.

    ``gettext(msgid, **params)`` renders the labels in the reader's language (a
    :class:`bot.i18n.Translator`'s ``gettext``). A field not asked (``None``) or answered 无
    (``""``) adds nothing.
    """
    lines = [narrative.strip()]
    if problems:
        lines.append(gettext(PROBLEMS_LINE, text=problems.strip()))
    if next_steps:
        lines.append(gettext(NEXT_STEPS_LINE, text=next_steps.strip()))
    return "\n".join(line for line in lines if line)
