"""Where the numbered-choice fallback meets delivery: steps noted as sent, answers read on intake.

Where a channel lists a step's options as text (no buttons, or WeCom in an app group chat or
with cards off), the sender notes the step it sends (its options, and whether a bare number may
pick one), and the intake lets the channel read a typed answer against the last noted step
before the handlers see it. Of a step sent with real buttons (a WeCom card) only the options'
words are noted: typing "确认报送" picks it, a number typed after it is never an option (of it
or of an older list). Handlers only ever see presses.

A channel decides per recipient and message where it can (``lists_options(recipient,
outbound)``, WeCom); otherwise its ``capabilities.buttons`` says it for every message.
"""

from __future__ import annotations

from bot.delivery.channel import Channel
from bot.delivery.options import offered_options, remember_options
from bot.domain.conversation import Inbound, Outbound


def lists_options(channel: Channel, recipient: str, outbound: Outbound) -> bool:
    """Whether ``outbound`` reaches ``recipient`` (the id on the channel) as listed options."""
    decide = getattr(channel, "lists_options", None)
    if decide is not None:
        return bool(decide(recipient, outbound))
    return bool(outbound.buttons) and not channel.capabilities.buttons


async def read_choice(channel: Channel, inbound: Inbound) -> Inbound:
    """``inbound`` as the channel reads it against the last step it listed to the person."""
    if inbound.kind != "text" or inbound.is_group:
        return inbound
    if channel.capabilities.buttons and getattr(channel, "lists_options", None) is None:
        return inbound  # buttons everywhere: nothing is ever listed
    offered = await offered_options(inbound.identity)
    return inbound if offered is None else channel.read_choice(inbound, offered)


async def note_sent(channel: Channel, recipient: str, outbound: Outbound) -> None:
    """Remember the step ``outbound`` poses: numbered where it goes out as listed options, by
    its words only where it goes out with real buttons (``recipient``: ``channel:id``)."""
    if channel.capabilities.buttons and getattr(channel, "lists_options", None) is None:
        return  # buttons everywhere: nothing is ever listed
    listed = lists_options(channel, recipient.split(":", 1)[-1], outbound)
    await remember_options(recipient, outbound, numbers=listed)
