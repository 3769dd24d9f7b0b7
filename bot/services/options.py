"""Numbered choices on channels without buttons: remember what "1", "2", … stood for.

WeCom text messages have no buttons, so options go out as numbered lines; when the person
answers "2", the handler looks up the payload stored here (Rasa's fallback style).
"""

from __future__ import annotations

from bot.domain.conversation import Outbound
from bot.storage.models import ConversationState

OPTIONS_KEY = "options"


async def remember_options(identity: str, outbound: Outbound) -> None:
    """Store the options of ``outbound`` as the numbered choices of ``identity``."""
    options = [[b.label, b.payload] for b in outbound.options()]
    if not options:
        return
    state = await ConversationState.get_or_none(identity=identity)
    if state is None:
        await ConversationState.create(identity=identity, flow="", data={OPTIONS_KEY: options})
        return
    state.data = {**state.data, OPTIONS_KEY: options}
    await state.save(update_fields=["data", "updated_at"])
