"""What people read about a deadline extension (延期申请): the card a leader endorses and the
secretariat decides on, and the news the unit hears; the wording 延期至… of a moved deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.conversation import Button, Outbound
from bot.domain.messages import N_
from bot.domain.payloads import payload
from bot.domain.text import shorten
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.cadence.extensions import ExtensionView


def extended_to(tr: Translator, day: object) -> str:
    """``延期至2027-03-31``: how a deadline moved by an approved extension is shown."""
    return tr.gettext("extended to {date}", date=str(day))


def extension_lines(tr: Translator, view: ExtensionView) -> list[str]:
    """The request itself: task, unit, the dates, the reason, who asked."""
    lines = [
        tr.gettext("Task {number}: {title}", number=view.number, title=shorten(view.title, 60)),
        tr.gettext("Unit: {unit}", unit=view.unit),
        tr.gettext(
            "Deadline {old} → {new}",
            old=view.old.isoformat() if view.old else "—",
            new=view.new.isoformat(),
        ),
        tr.gettext("Reason: {reason}", reason=view.reason),
        tr.gettext("Asked by {name}", name=view.asked_by),
    ]
    if view.endorsed_by:
        lines.append(tr.gettext("Endorsed by the unit’s leader {name}", name=view.endorsed_by))
    return lines


def extension_card(
    locale: str, view: ExtensionView, *, to_leader: bool, buttons: bool = True
) -> Outbound:
    """For the unit's leader (同意 / 不同意) or the secretariat (approve / refuse)."""
    tr = Translator(locale)
    if to_leader:
        rows = (
            (Button(tr.gettext("Endorse"), payload("g", view.id, 1)),),
            (Button(tr.gettext("Do not endorse"), payload("g", view.id, 0)),),
        )
    else:
        rows = (
            (Button(tr.gettext("Approve the extension"), payload("h", view.id, 1)),),
            (Button(tr.gettext("Refuse with a comment"), payload("h", view.id, 0)),),
        )
    return Outbound(
        text="\n".join(extension_lines(tr, view)),
        title=tr.gettext("Deadline extension request #{id}", id=view.id),
        buttons=rows if buttons else (),
        locale=tr.locale,
    )


def extension_news(locale: str, view: ExtensionView) -> Outbound:
    """For the unit's reporters: what became of their request."""
    tr = Translator(locale)
    params = {"number": view.number, "new": view.new.isoformat(), "comment": view.comment}
    text = {
        "pending": ENDORSED,
        "approved": APPROVED,
        "refused": REFUSED if view.comment else NOT_ENDORSED,
    }[view.state]
    return Outbound(text=tr.gettext(text, **params), locale=tr.locale)


ENDORSED = N_("Your leader endorsed extending task {number} to {new}; it is with the secretariat.")
APPROVED = N_("The secretariat approved: task {number}’s deadline is now {new}.")
REFUSED = N_("The secretariat refused extending task {number} to {new}: {comment}")
NOT_ENDORSED = N_("Your leader did not endorse extending task {number} to {new}.")
