"""Choices sent as text: remember what the last step sent to a person offered.

Where WeCom sends text (an app group chat, cards off, too many options for a card), the
channel lists a step's options itself (numbered at a pure choice step) and reads the answer
back into a press; of a step sent as a card only the options' words are read, never a number.
What was offered is kept in the database, beside the conversation state, because any process
may handle the person's next message. Only steps are remembered: a message with buttons, or
one that asks for typed input (which forgets the options before it); plain notices leave the
last step's options.
"""

from __future__ import annotations

from bot.domain.conversation import Button, Choices, Outbound
from bot.storage.models import ConversationState

OPTIONS_KEY = "options"  # [[label, payload], …] of the last step
NUMBERED_KEY = "numbered"  # whether that step was a pure choice (a bare number picks)
KEPT_KEYS = frozenset({OPTIONS_KEY, NUMBERED_KEY})  # kept when a flow's data is replaced


async def remember_options(identity: str, outbound: Outbound, *, numbers: bool = True) -> None:
    """Note the step ``outbound`` poses to ``identity``: its options and whether a bare number
    picks one (a pure choice listed as numbered text; never where ``numbers`` is False)."""
    if not outbound.buttons and not outbound.free_input:
        return  # a notice, not a step: the last step's options still stand
    state = await ConversationState.get_or_none(identity=identity)
    data = {k: v for k, v in (state.data if state else {}).items() if k not in KEPT_KEYS}
    if outbound.buttons:
        data[OPTIONS_KEY] = [[b.label, b.payload] for b in outbound.options()]
        data[NUMBERED_KEY] = outbound.pure_choice and numbers
    if state is None:
        await ConversationState.create(identity=identity, flow="", data=data)
        return
    if data != state.data:
        state.data = data
        await state.save(update_fields=["data", "updated_at"])


async def offered_options(identity: str) -> Choices | None:
    """What the last step sent to ``identity`` offered, if it offered anything."""
    state = await ConversationState.get_or_none(identity=identity)
    options = state.data.get(OPTIONS_KEY) if state else None
    if state is None or not options:
        return None
    # Rows written before the marker existed were all treated as numbered; keep that.
    numbered = bool(state.data.get(NUMBERED_KEY, True))
    return Choices(tuple(Button(str(label), str(payload)) for label, payload in options), numbered)
