"""Where the numbered-choice fallback meets delivery: steps noted as sent, answers read on intake.

On a channel without buttons the sender notes each step it sends (its options, and whether a
bare number may pick one), and the intake lets the channel read a typed answer against the
last noted step before the handlers see it. Handlers only ever see real button presses.
"""

from __future__ import annotations

from bot.delivery.channel import Channel
from bot.delivery.options import offered_options, remember_options
from bot.domain.conversation import Inbound, Outbound


async def read_choice(channel: Channel, inbound: Inbound) -> Inbound:
    """``inbound`` as the channel reads it against the last step it sent the person."""
    if channel.capabilities.buttons or inbound.kind != "text" or inbound.is_group:
        return inbound
    offered = await offered_options(inbound.identity)
    return inbound if offered is None else channel.read_choice(inbound, offered)


async def note_sent(channel: Channel, recipient: str, outbound: Outbound) -> None:
    """Remember the step ``outbound`` poses, where the channel lists options itself."""
    if not channel.capabilities.buttons:
        await remember_options(recipient, outbound)
