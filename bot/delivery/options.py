"""Choices sent as text: remember what the last step sent to a person offered.

Where WeCom sends text (an app group chat, cards off, too many options for a card), the
channel lists a step's options itself (numbered at a pure choice step) and reads the answer
back into a press; of a step sent as a card only the options' words are read, never a number.
What was offered is kept in the database, because any process may handle the person's next
message, in a row of its own (``OfferedOptions``) written in one upsert: the sender notes a step
while a handler may be saving the same person's conversation state, and neither write may undo
the other. Only steps are remembered: a message with buttons, or one that asks for typed input
(which forgets the options before it); plain notices leave the last step's options.
"""

from __future__ import annotations

from bot.domain.conversation import Button, Choices, Outbound
from bot.storage.models import OfferedOptions

# Keys of the conversation state's data a flow's save used to keep: the options lived there
# until migration 0014 moved them into their own table. Nothing is kept any more.
KEPT_KEYS: frozenset[str] = frozenset()


async def remember_options(identity: str, outbound: Outbound, *, numbers: bool = True) -> None:
    """Note the step ``outbound`` poses to ``identity``: its options and whether a bare number
    picks one (a pure choice listed as numbered text; never where ``numbers`` is False)."""
    if not outbound.buttons and not outbound.free_input:
        return  # a notice, not a step: the last step's options still stand
    row = OfferedOptions(
        identity=identity,
        options=[[b.label, b.payload] for b in outbound.options()] if outbound.buttons else [],
        numbered=bool(outbound.buttons) and outbound.pure_choice and numbers,
    )
    await OfferedOptions.bulk_create(  # INSERT … ON CONFLICT (identity) DO UPDATE: one statement
        [row], on_conflict=["identity"], update_fields=["options", "numbered", "updated_at"]
    )


async def offered_options(identity: str) -> Choices | None:
    """What the last step sent to ``identity`` offered, if it offered anything."""
    row = await OfferedOptions.get_or_none(identity=identity)
    if row is None or not row.options:
        return None
    buttons = tuple(Button(str(label), str(payload)) for label, payload in row.options)
    return Choices(buttons, row.numbered)
