"""``duban chat list | create-wecom | bind-wecom | unbind``: the secretariat's group chats.

Telegram groups bind themselves with a secretariat code (``/start CODE`` in the group). A WeCom
app group chat (应用群聊) is created or named here: the app then posts digests into it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.messages import N_, msg
from bot.people.binding import bind_chat, bound_chats, unbind_chat
from bot.shell.options import PlanId
from bot.shell.runtime import runtime

chat_app = typer.Typer(
    help="The secretariat's group chats (Telegram groups, WeCom app chats).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``chat`` group."""
    app.add_typer(chat_app, name="chat")


@chat_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Bound chats."""
    rt = runtime(ctx)

    async def body() -> list[dict[str, str | int | None]]:
        async with rt.database():
            return [  # "plan" only for one plan's chat: the admins' chats read as before
                {"identity": c.identity, "title": c.title, "locale": c.locale}
                | ({"plan": c.plan_id} if c.plan_id else {})
                for c in await bound_chats()
            ]

    rt.json(rt.run(body()))


@chat_app.command("create-wecom")
def create_wecom(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="The chat's name, e.g. 营商环境秘书组")],
    owner: Annotated[str, typer.Option(help="The owner's WeCom userid")],
    members: Annotated[str, typer.Option(help="userids, comma-separated (at least two)")],
    plan: PlanId = None,
) -> None:
    """Create a WeCom app group chat (应用群聊) and bind it as the secretariat's."""
    rt = runtime(ctx)
    users = [m.strip() for m in members.replace("，", ",").split(",") if m.strip()]
    if len(users) < 2:
        rt.fail(msg(N_("A WeCom group chat needs at least two members.")))
    wecom = rt.wecom()

    async def body() -> str:
        try:
            chat_id = await wecom.create_chat(name, owner, users)
        except Exception as exc:  # wechatpy and requests raise many kinds
            rt.fail(msg(N_("WeCom refused: {reason}"), reason=str(exc)))
        finally:
            wecom.close()
        async with rt.database():
            await bind_chat(
                f"wecom:chat:{chat_id}",
                title=name,
                locale=rt.translator.locale,
                actor="cli",
                plan_id=plan,
            )
        return chat_id

    chat_id = rt.run(body())
    rt.tell(msg(N_("WeCom chat {chat} created and bound as the secretariat's."), chat=chat_id))


@chat_app.command("bind-wecom")
def bind_wecom(
    ctx: typer.Context,
    chat_id: Annotated[str, typer.Argument(help="The chatid of an existing app group chat")],
    title: Annotated[str, typer.Option(help="A name to show")] = "",
    plan: PlanId = None,
) -> None:
    """Bind an existing WeCom app group chat as the secretariat's (of one plan with --plan)."""
    rt = runtime(ctx)

    async def body() -> None:
        async with rt.database():
            await bind_chat(
                f"wecom:chat:{chat_id}",
                title=title or chat_id,
                locale=rt.translator.locale,
                actor="cli",
                plan_id=plan,
            )

    rt.run(body())
    rt.tell(msg(N_("WeCom chat {chat} bound as the secretariat's."), chat=chat_id))


@chat_app.command("unbind")
def unbind(
    ctx: typer.Context,
    identity: Annotated[str, typer.Argument(help="As “duban chat list” shows it")],
) -> None:
    """Stop posting to a chat."""
    rt = runtime(ctx)

    async def body() -> bool:
        async with rt.database():
            return await unbind_chat(identity, actor="cli")

    if not rt.run(body()):
        rt.fail(msg(N_("No bound chat is called {chat}."), chat=identity))
    rt.tell(msg(N_("{chat} is no longer bound."), chat=identity))
